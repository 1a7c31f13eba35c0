import type { Metadata } from "next";
import { UsagePage } from "@/components/admin/usage-page";

export const metadata: Metadata = { title: "Usage · Admin" };

export default function Page() {
  return <UsagePage />;
}
