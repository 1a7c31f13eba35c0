"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CheckCheck, Eye } from "lucide-react";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/states";
import type { AlertItem } from "./types";

/**
 * Puts an alert changed by a mutation into the page's cache at once. The lists and the open count
 * follow through the live count, which every change to the tenant's alerts announces.
 */
export function useAlertUpdated(alertId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (updated: AlertItem) => {
    queryClient.setQueryData(trpc.anomaly.get.queryKey({ id: alertId }), (old) =>
      old ? { ...old, alert: updated } : old,
    );
  };
}

/** Acknowledge (an open alert) and Resolve (one not resolved yet); for those with anomaly.manage only. */
export function AlertStatusActions({ alert }: { alert: Pick<AlertItem, "id" | "status"> }) {
  const trpc = useTRPC();
  const { can } = useMe();
  const onUpdated = useAlertUpdated(alert.id);
  const acknowledge = useMutation(
    trpc.anomaly.acknowledge.mutationOptions({
      onSuccess: (updated) => {
        onUpdated(updated);
        toast.success("Alert acknowledged");
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const resolve = useMutation(
    trpc.anomaly.resolve.mutationOptions({
      onSuccess: (updated) => {
        onUpdated(updated);
        toast.success("Alert resolved");
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  if (!can("anomaly.manage") || alert.status === "resolved") return null;
  const isBusy = acknowledge.isPending || resolve.isPending;

  return (
    <div className="flex gap-2">
      {alert.status === "open" ? (
        <Button
          variant="secondary"
          onClick={() => acknowledge.mutate({ id: alert.id })}
          disabled={isBusy}
        >
          {acknowledge.isPending ? <Spinner /> : <Eye className="size-4" aria-hidden />}
          Acknowledge
        </Button>
      ) : null}
      <Button onClick={() => resolve.mutate({ id: alert.id })} disabled={isBusy}>
        {resolve.isPending ? <Spinner /> : <CheckCheck className="size-4" aria-hidden />}
        Resolve
      </Button>
    </div>
  );
}
