"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import type { RunEvent } from "@/engine/schema/run-events";
import { initialRunState, replayRunEvents, type RunState } from "./run-state";

const SETTLING = new Set<RunEvent["type"]>([
  "run.started",
  "run.waiting",
  "run.completed",
  "run.failed",
  "run.cancelled",
]);

/**
 * A run as it happens: the stored row from run.get, folded with the run's events from run.live
 * (its history first, then live). The row is refetched when the run changes state, for totals.
 */
export function useRunLive(runId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.run.get.queryOptions({ id: runId }));
  const [events, setEvents] = useState<{ id: number; stored: boolean; event: RunEvent }[]>([]);

  const live = useSubscription(
    trpc.run.live.subscriptionOptions(
      { runId },
      {
        onData: ({ data }) => {
          // Deltas and progress are live-only and reuse the last stored id: only stored events can repeat.
          setEvents((current) =>
            data.stored && current.some((e) => e.stored && e.id === data.id)
              ? current
              : [...current, { id: data.id, stored: data.stored, event: data.event }],
          );
          // Refetch the row (totals, error) when the run changes state after it was loaded, not for history.
          const key = trpc.run.get.queryKey({ id: runId });
          if (
            SETTLING.has(data.event.type) &&
            data.event.at > (queryClient.getQueryState(key)?.dataUpdatedAt ?? 0)
          ) {
            void queryClient.invalidateQueries({ queryKey: key });
          }
        },
      },
    ),
  );

  const state: RunState | undefined = useMemo(() => {
    if (!detail.data) return undefined;
    const base = initialRunState(detail.data.steps);
    base.status = detail.data.run.status;
    return replayRunEvents(
      events.map((e) => e.event),
      base,
    );
  }, [detail.data, events]);

  const storedCount = useMemo(() => events.filter((e) => e.stored).length, [events]);
  return { detail, state, storedCount, connection: live.status };
}
