import type { Metadata } from "next";
import { WorkflowEvaluationsPage } from "@/components/evaluations/workflow-evaluations-page";
import { uuidOrNotFound } from "@/components/ui/route-params";

export const metadata: Metadata = { title: "Evaluations" };

export default async function WorkflowEvaluationsRoute({
  params,
}: {
  params: Promise<{ id: string }>;
}) {
  const id = uuidOrNotFound((await params).id);
  return <WorkflowEvaluationsPage key={id} workflowId={id} />;
}
