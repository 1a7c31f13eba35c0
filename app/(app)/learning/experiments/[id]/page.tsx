import type { Metadata } from "next";
import { ExperimentPage } from "@/components/learning/experiment-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Experiment · Learning" };

export default async function ExperimentRoute({ params }: { params: Promise<{ id: string }> }) {
  const id = uuidOrNotFound((await params).id);
  return <ExperimentPage key={id} experimentId={id} />;
}
