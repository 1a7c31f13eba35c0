import type { Metadata } from "next";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata: Metadata = { title: "Runs" };

export default function RunsPage() {
  return <ComingSoon href="/runs" />;
}
