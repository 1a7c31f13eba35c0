"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { cn } from "@/components/ui/cn";
import { ErrorState, SkeletonRows } from "@/components/ui/states";
import type { RunEvent } from "@/engine/schema/run-events";
import type { Plan } from "@/engine/schema/plan";
import { formatDuration } from "@/components/shared/run-format";
import { JsonView } from "./json-view";
import { orderSteps } from "./ordered-steps";
import { replayRunEvents } from "./run-state";
import { StatusBadge } from "@/components/shared/status-badge";

/** Steps through the run's stored events and shows the run as it was after each one. */
export function RunDebugger({
  runId,
  plan,
  eventCount,
}: {
  runId: string;
  plan: Plan | null;
  eventCount: number;
}) {
  const trpc = useTRPC();
  // Every stored event, a thousand at a time; the next page continues after the last id loaded.
  const events = useInfiniteQuery(
    trpc.run.events.infiniteQueryOptions(
      { id: runId },
      {
        getNextPageParam: (last, pages) =>
          last.items.at(-1)?.id ?? pages.flatMap((page) => page.items).at(-1)?.id ?? 0,
      },
    ),
  );
  const rows = useMemo(
    () =>
      (events.data?.pages ?? []).flatMap((page) =>
        page.items.map((r) => ({ id: r.id, event: r.payload as RunEvent })),
      ),
    [events.data],
  );
  // Load on while pages come back full, and catch up when the live page has seen more events than are loaded here.
  const { isSuccess, isFetching, fetchNextPage } = events;
  const lastPageIsFull = events.data?.pages.at(-1)?.nextCursor != null;
  useEffect(() => {
    if (isSuccess && !isFetching && (lastPageIsFull || eventCount > rows.length))
      void fetchNextPage();
  }, [eventCount, rows.length, isSuccess, isFetching, lastPageIsFull, fetchNextPage]);
  const [picked, setPicked] = useState<number | null>(null);
  const index = Math.min(picked ?? rows.length - 1, rows.length - 1);

  const state = useMemo(
    () => replayRunEvents(rows.slice(0, index + 1).map((r) => r.event)),
    [rows, index],
  );
  const steps = useMemo(() => orderSteps(plan, state), [plan, state]);

  if (events.isPending) return <SkeletonRows rows={4} />;
  if (events.isError)
    return <ErrorState message={events.error.message} onRetry={() => void events.refetch()} />;
  if (rows.length === 0)
    return <p className="text-sm text-muted-foreground">No events recorded yet.</p>;
  const current = rows[index]!;
  const origin = rows[0]!.event.at;

  return (
    <div className="grid gap-4 lg:grid-cols-[18rem_1fr]">
      <div className="space-y-2">
        <label className="block text-sm font-medium" htmlFor="debugger-scrubber">
          Event {index + 1} of {rows.length}
          {lastPageIsFull ? (
            <span className="ml-1 font-normal text-muted-foreground">(loading more…)</span>
          ) : null}
        </label>
        <input
          id="debugger-scrubber"
          type="range"
          min={0}
          max={rows.length - 1}
          value={index}
          onChange={(e) => setPicked(Number(e.target.value))}
          className="w-full accent-[var(--primary)]"
        />
        <ol
          aria-label="Events"
          className="max-h-96 overflow-auto rounded-lg border bg-card text-xs"
        >
          {rows.map((row, i) => (
            <li key={row.id}>
              <button
                type="button"
                aria-current={i === index ? "step" : undefined}
                onClick={() => setPicked(i)}
                className={cn(
                  "flex w-full justify-between gap-2 px-2 py-1 text-left hover:bg-muted",
                  i === index && "bg-muted font-medium",
                )}
              >
                <span className="truncate font-mono">
                  {row.event.type}
                  {"stepId" in row.event ? ` · ${row.event.stepId}` : ""}
                </span>
                <span className="tabular-nums text-muted-foreground">
                  +{formatDuration(row.event.at - origin)}
                </span>
              </button>
            </li>
          ))}
        </ol>
      </div>
      <div className="space-y-3">
        <div className="flex items-center gap-2 text-sm">
          Run after this event: <StatusBadge status={state.status} />
        </div>
        <ul aria-label="Steps at this event" className="grid gap-1 sm:grid-cols-2">
          {steps.map((step) => (
            <li
              key={step.stepId}
              className="flex items-center justify-between rounded-md border px-2 py-1 text-sm"
            >
              <span className="truncate">{step.label}</span>
              <StatusBadge status={step.status} />
            </li>
          ))}
        </ul>
        <JsonView value={current.event} label="Event payload" />
      </div>
    </div>
  );
}
