"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "@/components/trpc/react";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import type { Plan } from "@/engine/schema/plan";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";

/** Compiles a document in the browser (the engine is pure); null when it does not compile. */
export function compileDocument(document: unknown): Plan | null {
  try {
    const result = compileWorkflow(loadWorkflowDocument(document));
    return result.ok ? result.plan : null;
  } catch {
    return null;
  }
}

/**
 * The plan of a workflow's current document, compiled in the browser: its input schema for the
 * run form.
 */
export function useWorkflowPlan(workflowId: string | undefined) {
  const trpc = useTRPC();
  const workflow = useQuery({
    ...trpc.workflow.get.queryOptions({ id: workflowId ?? "" }),
    enabled: Boolean(workflowId),
  });
  const plan = useMemo(
    () => (workflow.data ? compileDocument(workflow.data.document) : null),
    [workflow.data],
  );
  return { workflow, plan };
}
