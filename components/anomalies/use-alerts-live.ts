"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/react";

/**
 * The tenant's open-alert count, live over SSE (anomaly.liveCount), for the sidebar badge. The one
 * alert subscription of the page: each message after the first means the tenant's alerts changed,
 * so the alert list and an open alert page refetch (React Query refetches only those on screen).
 * The count lives in the openCount query's cache, so a mutation can refresh it too (see
 * useAlertUpdated). `isEnabled` is false for users without anomaly.view: no subscription, no count.
 */
export function useLiveAlertCount(isEnabled: boolean): number | undefined {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [hasFirst, setHasFirst] = useState(false);
  // Never fetched by itself: the subscription's first message brings the count.
  const count = useQuery({ ...trpc.anomaly.openCount.queryOptions(), enabled: false });

  useSubscription(
    trpc.anomaly.liveCount.subscriptionOptions(undefined, {
      enabled: isEnabled,
      onData: (open) => {
        queryClient.setQueryData(trpc.anomaly.openCount.queryKey(), open);
        // The first count arrives as the page loads, right after its lists were fetched.
        if (!hasFirst) return setHasFirst(true);
        void queryClient.invalidateQueries({ queryKey: trpc.anomaly.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.anomaly.get.pathKey() });
      },
    }),
  );
  return isEnabled ? count.data : undefined;
}
