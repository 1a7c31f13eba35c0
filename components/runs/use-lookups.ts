"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "@/components/trpc/react";

/**
 * Names for the ids in run rows: workflows (first 100, which covers a tenant's list view) and
 * members. run.list returns ids only.
 */
export function useRunLookups() {
  const trpc = useTRPC();
  const workflows = useQuery(trpc.workflow.list.queryOptions({ limit: 100 }));
  const members = useQuery(trpc.session.members.queryOptions());
  return useMemo(() => {
    const workflowNames = new Map((workflows.data?.items ?? []).map((w) => [w.id, w.name]));
    const memberNames = new Map((members.data ?? []).map((m) => [m.userId, m.name]));
    return {
      workflows: workflows.data?.items ?? [],
      workflowName: (id: string) => workflowNames.get(id) ?? "Workflow",
      memberName: (id: string | null) => (id ? (memberNames.get(id) ?? "A former member") : "—"),
    };
  }, [workflows.data, members.data]);
}
