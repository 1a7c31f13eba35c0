"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Check, RotateCcw, SkipForward, X } from "lucide-react";
import { useId, useState } from "react";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/states";

type Wait = {
  stepId: string;
  message: string;
  approvers: string[];
  reason?: "approval" | "interrupted";
};

/**
 * What a person decides for one step a run waits at: approve or reject a human-approval step, or
 * retry, skip or fail a step that was interrupted and is not safe to repeat.
 */
export function ApprovalForm({
  runId,
  wait,
  canDecide,
}: {
  runId: string;
  wait: Wait;
  canDecide: boolean;
}) {
  return wait.reason === "interrupted" ? (
    <InterruptedStepForm runId={runId} wait={wait} />
  ) : (
    <ApproveOrReject runId={runId} wait={wait} canDecide={canDecide} />
  );
}

const ACTIONS = [
  {
    action: "retry",
    label: "Retry",
    done: "Retrying: the call is sent again.",
    Icon: RotateCcw,
    variant: "primary",
  },
  {
    action: "skip",
    label: "Skip",
    done: "Skipped: the run goes on without this step's output.",
    Icon: SkipForward,
    variant: "secondary",
  },
  {
    action: "fail",
    label: "Fail the run",
    done: "The run fails at this step.",
    Icon: X,
    variant: "danger",
  },
] as const;

/** Retry, skip or fail an interrupted step that is not safe to repeat (needs workflow.run). */
function InterruptedStepForm({ runId, wait }: { runId: string; wait: Wait }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const resolve = useMutation(
    trpc.run.resolveInterrupted.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.run.pathKey() }),
      onError: (error) => toast.error(error.message),
    }),
  );
  const chosen = ACTIONS.find((a) => a.action === resolve.variables?.action);
  return (
    <div
      className="space-y-2 rounded-lg border border-amber-500/40 bg-amber-500/5 p-3"
      role="group"
      aria-label={`Interrupted step ${wait.stepId}`}
    >
      <p className="text-sm">{wait.message}</p>
      {resolve.isSuccess && chosen ? (
        <p role="status" className="text-sm font-medium">
          {chosen.done}
        </p>
      ) : can("workflow.run") ? (
        <div className="flex flex-wrap gap-2">
          {ACTIONS.map(({ action, label, Icon, variant }) => (
            <Button
              key={action}
              size="sm"
              variant={variant}
              onClick={() => resolve.mutate({ runId, stepId: wait.stepId, action })}
              disabled={resolve.isPending}
            >
              {resolve.isPending && resolve.variables?.action === action ? (
                <Spinner />
              ) : (
                <Icon className="size-4" aria-hidden />
              )}
              {label}
            </Button>
          ))}
        </div>
      ) : (
        <p className="text-xs text-muted-foreground">
          Your role cannot decide this: someone who may run workflows can.
        </p>
      )}
    </div>
  );
}

/** Approve or reject one waiting human-approval step, with an optional comment. */
function ApproveOrReject({
  runId,
  wait,
  canDecide,
}: {
  runId: string;
  wait: Wait;
  canDecide: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const commentId = useId();
  const [comment, setComment] = useState("");
  const decide = useMutation(
    trpc.run.decide.mutationOptions({
      onSuccess: (_, input) => {
        toast.success(input.approved ? "Approved" : "Rejected");
        void queryClient.invalidateQueries({ queryKey: trpc.run.pathKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const send = (approved: boolean) =>
    decide.mutate({ runId, stepId: wait.stepId, approved, comment: comment.trim() || undefined });

  return (
    <div
      className="space-y-2 rounded-lg border border-amber-500/40 bg-amber-500/5 p-3"
      role="group"
      aria-label={`Approval for ${wait.stepId}`}
    >
      <p className="text-sm">{wait.message}</p>
      {wait.approvers.length ? (
        <p className="text-xs text-muted-foreground">Approvers: {wait.approvers.join(", ")}</p>
      ) : null}
      {decide.isSuccess ? (
        <p role="status" className="text-sm font-medium">
          {decide.variables.approved ? "Approved" : "Rejected"}; the run goes on.
        </p>
      ) : canDecide ? (
        <>
          <label htmlFor={commentId} className="sr-only">
            Comment
          </label>
          <textarea
            id={commentId}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            maxLength={2000}
            rows={2}
            placeholder="Comment (optional)"
            className="w-full rounded-md border bg-card px-3 py-2 text-sm"
          />
          <div className="flex gap-2">
            <Button size="sm" onClick={() => send(true)} disabled={decide.isPending}>
              {decide.isPending && decide.variables?.approved ? (
                <Spinner />
              ) : (
                <Check className="size-4" aria-hidden />
              )}
              Approve
            </Button>
            <Button
              size="sm"
              variant="danger"
              onClick={() => send(false)}
              disabled={decide.isPending}
            >
              {decide.isPending && decide.variables?.approved === false ? (
                <Spinner />
              ) : (
                <X className="size-4" aria-hidden />
              )}
              Reject
            </Button>
          </div>
        </>
      ) : (
        <p className="text-xs text-muted-foreground">Your role cannot approve runs.</p>
      )}
    </div>
  );
}
