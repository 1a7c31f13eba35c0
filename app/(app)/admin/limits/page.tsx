import type { Metadata } from "next";
import { LimitsPage } from "@/components/admin/limits-page";

export const metadata: Metadata = { title: "Limits · Admin" };

export default function Page() {
  return <LimitsPage />;
}
