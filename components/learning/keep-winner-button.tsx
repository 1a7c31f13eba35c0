"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Trophy } from "lucide-react";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/states";

/**
 * After an experiment with a winner: runs go back to the workflow's latest published version, which
 * may be the loser. "Keep" publishes the winner's version again as the latest (for workflow.edit).
 */
export function KeepWinnerButton({
  experiment,
}: {
  experiment: { id: string; workflowId: string; status: string; result: { winner: string | null } };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const keep = useMutation(
    trpc.learning.promoteWinner.mutationOptions({
      onSuccess: ({ winner, version }) => {
        toast.success(`Published ${winner} again as v${version}: runs go to it`);
        void queryClient.invalidateQueries({ queryKey: trpc.workflow.versions.pathKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const { winner } = experiment.result;
  if (experiment.status === "running" || !winner || !can("workflow.edit")) return null;
  if (keep.isSuccess)
    return (
      <p className="mt-3 text-sm font-medium">
        Kept: {winner} is the latest version (v{keep.data.version}); runs go to it.
      </p>
    );
  return (
    <div className="mt-3 flex flex-wrap items-center gap-3">
      <Button
        size="sm"
        onClick={() => keep.mutate({ id: experiment.id })}
        disabled={keep.isPending}
      >
        {keep.isPending ? <Spinner /> : <Trophy className="size-4" aria-hidden />}
        Keep {winner}
      </Button>
      <span className="text-sm text-muted-foreground">
        Runs now go to the latest published version; this publishes {winner} again as the latest.
      </span>
    </div>
  );
}
