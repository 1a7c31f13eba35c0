"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, FlaskConical } from "lucide-react";
import Link from "next/link";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { EmptyState, PageHeader } from "@/components/ui/states";
import { EvaluationList } from "./evaluation-list";

/** Every evaluation of a workflow, across its datasets: where an evaluation page's "All evaluations" leads. */
export function WorkflowEvaluationsPage({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const workflow = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }));

  if (workflow.isError && errorCode(workflow.error) === "NOT_FOUND") {
    return (
      <EmptyState icon={FlaskConical} title="Workflow not found">
        <Link href="/workflows" className="text-sm underline underline-offset-2">
          Back to workflows
        </Link>
      </EmptyState>
    );
  }

  return (
    <>
      <Link
        href={`/workflows/${workflowId}`}
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden /> {workflow.data?.name ?? "Workflow"}
      </Link>
      <PageHeader
        title="Evaluations"
        description={
          workflow.data
            ? `Every evaluation of “${workflow.data.name}”, on any of its datasets.`
            : undefined
        }
        actions={
          <Link
            href={`/workflows/${workflowId}/datasets`}
            className="text-sm underline underline-offset-2"
          >
            Datasets
          </Link>
        }
      />
      <EvaluationList workflowId={workflowId} />
    </>
  );
}
