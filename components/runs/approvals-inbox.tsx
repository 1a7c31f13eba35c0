"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Inbox } from "lucide-react";
import Link from "next/link";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { EmptyState, ErrorState, LoadMore, PageHeader, SkeletonRows } from "@/components/ui/states";
import type { RunEvent } from "@/engine/schema/run-events";
import { ApprovalForm } from "./approval-form";
import { dateTimeFormat } from "@/components/shared/run-format";
import { RunsTabs } from "./runs-tabs";
import { OpenStepQuestions } from "./step-questions";
import { useLiveRunQueries } from "@/components/shared/use-runs-live";

/** Runs waiting for a human decision, with their messages; decide inline. */
export function ApprovalsInbox() {
  const trpc = useTRPC();
  const { can } = useMe();
  useLiveRunQueries();
  const list = useInfiniteQuery(
    trpc.run.list.infiniteQueryOptions(
      { limit: 25, status: ["waiting"] },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader title="Runs" description="Runs that wait for a human decision." />
      <RunsTabs />
      <OpenStepQuestions canAnswer={can("run.approve")} />
      {list.isPending ? (
        <SkeletonRows />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={Inbox} title="Nothing waits for approval">
          <p className="text-sm text-muted-foreground">
            Runs that reach a human-approval step show up here.
          </p>
        </EmptyState>
      ) : (
        <ul aria-label="Waiting runs" className="space-y-3">
          {items.map((run) => (
            <li key={run.id} className="space-y-2 rounded-xl border bg-card p-4">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <Link href={`/runs/${run.id}`} className="font-medium hover:underline">
                  {run.workflowName}
                </Link>
                <span className="text-xs text-muted-foreground">
                  {dateTimeFormat.format(run.createdAt)} · {run.startedByName ?? "A former member"}
                </span>
              </div>
              <WaitingSteps
                runId={run.id}
                waiting={run.waitingFor ?? []}
                canDecide={can("run.approve")}
              />
            </li>
          ))}
        </ul>
      )}
      <LoadMore query={list} />
    </>
  );
}

type WaitingFor = Extract<RunEvent, { type: "run.waiting" }>["waitingFor"];

/** The steps a run waits at, with their messages (run.list carries them for waiting runs). */
function WaitingSteps({
  runId,
  waiting,
  canDecide,
}: {
  runId: string;
  waiting: WaitingFor;
  canDecide: boolean;
}) {
  return (
    <div className="space-y-2">
      {waiting.map((wait) => (
        <ApprovalForm key={wait.stepId} runId={runId} wait={wait} canDecide={canDecide} />
      ))}
    </div>
  );
}
