"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { History, Star } from "lucide-react";
import Link from "next/link";
import { dateTimeFormat, formatDuration, formatNumber } from "@/components/shared/run-format";
import { useTRPC } from "@/components/trpc/react";
import { cn } from "@/components/ui/cn";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "@/components/ui/states";
import { describeStrategy, describeTaskClass, formatSmallCost } from "./format";
import type { OutcomeItem } from "./types";

const PAGE_SIZE = 20;

/** The finished runs learned from, newest first, each linking to its run page. */
export function OutcomeList({
  workflowName,
}: {
  workflowName: (id: string) => string | undefined;
}) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.learning.outcomes.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="outcomes-title">
      <h2 id="outcomes-title" className="mb-3 text-lg font-semibold">
        Recent outcomes
      </h2>
      {list.isPending ? (
        <SkeletonRows rows={3} />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={History} title="No outcomes yet">
          <p className="max-w-md text-sm text-muted-foreground">
            Every run that completes or fails is recorded here a few seconds after it ends.
          </p>
        </EmptyState>
      ) : (
        <ul aria-label="Outcomes" className="divide-y rounded-xl border bg-card">
          {items.map((item) => (
            <OutcomeRow
              key={item.runId}
              item={item}
              name={item.workflowName ?? workflowName(item.workflowId)}
            />
          ))}
        </ul>
      )}
      <LoadMore query={list} />
    </section>
  );
}

function OutcomeRow({ item, name }: { item: OutcomeItem; name: string | undefined }) {
  return (
    <li
      data-testid="outcome-row"
      className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-4 gap-y-1 px-4 py-3 sm:grid-cols-[minmax(0,1fr)_5rem_6rem_5.5rem_4.5rem_5.5rem]"
    >
      <div className="min-w-0">
        <Link href={`/runs/${item.runId}`} className="block truncate font-medium hover:underline">
          {name ?? `Run ${item.runId.slice(0, 8)}`}
        </Link>
        <p className="truncate text-xs text-muted-foreground">
          {dateTimeFormat.format(item.createdAt)} · {describeTaskClass(item.taskClass)} ·{" "}
          {describeStrategy(item.strategyId)}
          {item.arm ? ` · experiment arm ${item.arm}` : ""}
          {item.source === "evaluation" ? " · from an evaluation" : ""}
          {item.score == null ? "" : ` · score ${item.score.toFixed(2)}`}
        </p>
      </div>
      <span className="hidden text-right text-sm tabular-nums text-muted-foreground sm:block">
        {formatDuration(item.latencyMs)}
      </span>
      <span className="hidden text-right text-sm tabular-nums text-muted-foreground sm:block">
        {formatNumber(item.tokens)} tokens
      </span>
      <span className="hidden text-right text-sm tabular-nums text-muted-foreground sm:block">
        {formatSmallCost(item.costUsd)}
      </span>
      <span className="hidden text-right text-sm tabular-nums sm:block">
        {item.rating == null ? (
          <>
            <span aria-hidden className="text-muted-foreground">
              —
            </span>
            <span className="sr-only">Not rated</span>
          </>
        ) : (
          <span className="inline-flex items-center gap-0.5" title={`Rated ${item.rating} of 5`}>
            <span aria-hidden>{item.rating}</span>
            <Star className="size-3.5 fill-amber-400 text-amber-500" aria-hidden />
            <span className="sr-only">Rated {item.rating} of 5</span>
          </span>
        )}
      </span>
      <OutcomeBadge success={item.success} />
    </li>
  );
}

export function OutcomeBadge({ success, className }: { success: boolean; className?: string }) {
  return (
    <span
      className={cn(
        "inline-flex h-6 items-center justify-self-end rounded-full px-2 text-xs font-medium",
        success
          ? "bg-emerald-500/15 text-emerald-700 dark:text-emerald-400"
          : "bg-danger/15 text-danger",
        className,
      )}
    >
      {success ? "succeeded" : "failed"}
    </span>
  );
}
