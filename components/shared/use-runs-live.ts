"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useMemo } from "react";
import { useTRPC } from "@/components/trpc/react";

/** Calls `fn` at most once per `waitMs`, at the end of the window. */
function makeTrailingThrottle(fn: () => void, waitMs: number) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    call() {
      timer ??= setTimeout(() => {
        timer = null;
        fn();
      }, waitMs);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/**
 * Calls `onChange` (a stable callback; at most every `waitMs`) when any run of the tenant records
 * an event: lists and charts refetch rather than patch themselves. Live-only deltas are ignored.
 */
export function useRunsChanged(onChange: () => void, waitMs = 400) {
  const trpc = useTRPC();
  const throttle = useMemo(() => makeTrailingThrottle(onChange, waitMs), [onChange, waitMs]);
  useEffect(() => () => throttle.cancel(), [throttle]);

  return useSubscription(
    trpc.run.live.subscriptionOptions(
      {},
      {
        onData: ({ data }) => {
          if (data.stored) throttle.call();
        },
      },
    ),
  );
}

/** Refetches every run list (the list page, the inbox) when runs change. */
export function useLiveRunQueries() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: trpc.run.list.pathKey() }),
    [queryClient, trpc],
  );
  return useRunsChanged(refresh);
}
