import type { Metadata } from "next";
import { RunPage } from "@/components/runs/run-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Run" };

export default async function RunRoute({ params }: { params: Promise<{ id: string }> }) {
  const id = uuidOrNotFound((await params).id);
  return <RunPage key={id} runId={id} />;
}
