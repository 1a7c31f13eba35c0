"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Activity } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadMore, PageHeader, SkeletonRows } from "@/components/ui/states";
import {
  dateTimeFormat,
  formatCost,
  formatDuration,
  formatTokens,
} from "@/components/shared/run-format";
import { RunFilters, type RunFilterValues } from "./run-filters";
import { RunsTabs } from "./runs-tabs";
import { StatusBadge } from "@/components/shared/status-badge";
import { TriggerBadge } from "@/components/shared/trigger-badge";
import { useLiveRunQueries } from "@/components/shared/use-runs-live";

const PAGE_SIZE = 25;
const NO_FILTER: RunFilterValues = {
  workflowId: "",
  statuses: [],
  triggers: [],
  preset: "any",
  since: undefined,
  mine: false,
};

/** Every run of the tenant, newest first, filtered, updating as runs change. */
export function RunList() {
  const trpc = useTRPC();
  const me = useMe();
  // The filter's workflow picker offers the tenant's most recent workflows.
  const workflows = useQuery(trpc.workflow.list.queryOptions({ limit: 100 }));
  const [filter, setFilter] = useState(NO_FILTER);
  useLiveRunQueries();

  const list = useInfiniteQuery(
    trpc.run.list.infiniteQueryOptions(
      {
        limit: PAGE_SIZE,
        workflowId: filter.workflowId || undefined,
        status: filter.statuses.length ? filter.statuses : undefined,
        trigger: filter.triggers.length ? filter.triggers : undefined,
        since: filter.since,
        startedBy: filter.mine ? me.data?.user.userId : undefined,
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const isFiltered = filter !== NO_FILTER;

  return (
    <>
      <PageHeader
        title="Runs"
        description="Every run of this tenant, live and past. Open one for its timeline and step-by-step debugger."
      />
      <RunsTabs />
      <RunFilters value={filter} onChange={setFilter} workflows={workflows.data?.items ?? []} />
      {list.isPending ? (
        <SkeletonRows rows={5} />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={Activity} title={isFiltered ? "No run matches" : "No runs yet"}>
          <p className="max-w-sm text-sm text-muted-foreground">
            {isFiltered ? "Try other filters." : "Start one from the Run button of a workflow."}
          </p>
          {isFiltered ? (
            <Button variant="secondary" onClick={() => setFilter(NO_FILTER)}>
              Clear filters
            </Button>
          ) : null}
        </EmptyState>
      ) : (
        <ul aria-label="Runs" className="divide-y rounded-xl border bg-card">
          {items.map((run) => (
            <li
              key={run.id}
              className="grid grid-cols-[1fr_auto] items-center gap-x-4 gap-y-1 px-4 py-3 sm:grid-cols-[minmax(0,1fr)_6.5rem_6rem_6rem_7rem_5.5rem]"
            >
              <div className="min-w-0">
                <Link
                  href={`/runs/${run.id}`}
                  className="block truncate font-medium hover:underline"
                >
                  {run.workflowName}
                </Link>
                <p className="truncate text-xs text-muted-foreground">
                  {dateTimeFormat.format(run.createdAt)} · {run.startedByName ?? "A former member"}
                  {run.error && run.status === "failed" ? ` · ${run.error.code}` : ""}
                  <span className="sm:hidden">
                    {" · "}
                    <TriggerBadge trigger={run.trigger} />
                  </span>
                </p>
              </div>
              <TriggerBadge trigger={run.trigger} className="hidden sm:inline-flex" />
              <span className="hidden text-right text-sm tabular-nums text-muted-foreground sm:block">
                {formatDuration(run.durationMs)}
              </span>
              <span className="hidden text-right text-sm tabular-nums text-muted-foreground sm:block">
                {formatTokens(run.inputTokens, run.outputTokens)}
              </span>
              <span className="hidden text-right text-sm tabular-nums text-muted-foreground sm:block">
                {formatCost(run.costUsd, run.unpricedTokens)}
              </span>
              <StatusBadge status={run.status} className="justify-self-end" />
            </li>
          ))}
        </ul>
      )}
      <LoadMore query={list} />
    </>
  );
}
