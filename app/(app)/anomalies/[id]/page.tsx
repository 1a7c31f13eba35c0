import type { Metadata } from "next";
import { AlertPage } from "@/components/anomalies/alert-page";

export const metadata: Metadata = { title: "Alert · Anomalies" };

export default async function AlertRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AlertPage key={id} alertId={id} />;
}
