import type { Metadata } from "next";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata: Metadata = { title: "Anomalies" };

export default function AnomaliesPage() {
  return <ComingSoon href="/anomalies" />;
}
