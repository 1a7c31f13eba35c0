"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Check, X } from "lucide-react";
import { useId, useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/states";

/** Approve or reject one waiting human-approval step, with an optional comment. */
export function ApprovalForm({
  runId,
  wait,
  canDecide,
}: {
  runId: string;
  wait: { stepId: string; message: string; approvers: string[] };
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
  const send = (approved: boolean) => decide.mutate({ runId, stepId: wait.stepId, approved, comment: comment.trim() || undefined });

  return (
    <div className="space-y-2 rounded-lg border border-amber-500/40 bg-amber-500/5 p-3" role="group" aria-label={`Approval for ${wait.stepId}`}>
      <p className="text-sm">{wait.message}</p>
      {wait.approvers.length ? <p className="text-xs text-muted-foreground">Approvers: {wait.approvers.join(", ")}</p> : null}
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
              {decide.isPending && decide.variables?.approved ? <Spinner /> : <Check className="size-4" aria-hidden />}
              Approve
            </Button>
            <Button size="sm" variant="danger" onClick={() => send(false)} disabled={decide.isPending}>
              {decide.isPending && decide.variables?.approved === false ? <Spinner /> : <X className="size-4" aria-hidden />}
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
