import type { Metadata } from "next";
import { ExperimentPage } from "@/components/learning/experiment-page";

export const metadata: Metadata = { title: "Experiment · Learning" };

export default async function ExperimentRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ExperimentPage key={id} experimentId={id} />;
}
