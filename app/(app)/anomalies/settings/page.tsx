import type { Metadata } from "next";
import { AnomalySettingsPage } from "@/components/anomalies/settings-page";

export const metadata: Metadata = { title: "Settings · Anomalies" };

export default function Page() {
  return <AnomalySettingsPage />;
}
