"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RotateCcw, Square } from "lucide-react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { AddToDatasetDialog } from "@/components/evaluations";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/states";
import type { RunStatus } from "@/components/shared/run-format";

/**
 * Cancel while the run may still change; Retry once it failed or was cancelled (a new run); Add to
 * dataset once it finished (its input as an evaluation item).
 */
export function RunActions({
  runId,
  workflowId,
  status,
}: {
  runId: string;
  /** Offers "Add to dataset" when given. */ workflowId?: string;
  status: RunStatus;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const cancel = useMutation(
    trpc.run.cancel.mutationOptions({
      onSuccess: (result) => {
        toast.success(result.status === "cancelling" ? "Cancelling…" : "Run cancelled");
        void queryClient.invalidateQueries({ queryKey: trpc.run.get.queryKey({ id: runId }) });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const retry = useMutation(
    trpc.run.retry.mutationOptions({
      onSuccess: (run) => router.push(`/runs/${run.id}`),
      onError: (error) => toast.error(error.message),
    }),
  );
  const canCancel =
    (status === "queued" || status === "running" || status === "waiting") && can("run.cancel");
  const canRetry = (status === "failed" || status === "cancelled") && can("workflow.run");
  const canAddToDataset =
    (status === "completed" || status === "failed" || status === "cancelled") &&
    can("workflow.edit");

  return (
    <div className="flex gap-2">
      {canAddToDataset && workflowId ? (
        <AddToDatasetDialog
          runId={runId}
          workflowId={workflowId}
          isCompleted={status === "completed"}
        />
      ) : null}
      {canCancel ? (
        <Button
          variant="secondary"
          onClick={() => cancel.mutate({ id: runId })}
          disabled={cancel.isPending}
        >
          {cancel.isPending ? <Spinner /> : <Square className="size-4" aria-hidden />}
          Cancel run
        </Button>
      ) : null}
      {canRetry ? (
        <Button onClick={() => retry.mutate({ id: runId })} disabled={retry.isPending}>
          {retry.isPending ? <Spinner /> : <RotateCcw className="size-4" aria-hidden />}
          Retry
        </Button>
      ) : null}
    </div>
  );
}
