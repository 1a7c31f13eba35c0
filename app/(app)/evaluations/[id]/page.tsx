import type { Metadata } from "next";
import { EvaluationPage } from "@/components/evaluations/evaluation-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Evaluation" };

export default async function EvaluationRoute({ params }: { params: Promise<{ id: string }> }) {
  const id = uuidOrNotFound((await params).id);
  return <EvaluationPage key={id} evaluationId={id} />;
}
