import type { Metadata } from "next";
import { AlertList } from "@/components/anomalies/alert-list";

export const metadata: Metadata = { title: "Anomalies" };

export default function AnomaliesPage() {
  return <AlertList />;
}
