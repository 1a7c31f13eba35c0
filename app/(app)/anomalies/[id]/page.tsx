import type { Metadata } from "next";
import { AlertPage } from "@/components/anomalies/alert-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Alert · Anomalies" };

export default async function AlertRoute({ params }: { params: Promise<{ id: string }> }) {
  const id = uuidOrNotFound((await params).id);
  return <AlertPage key={id} alertId={id} />;
}
