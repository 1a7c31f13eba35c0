"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PauseCircle } from "lucide-react";
import Link from "next/link";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { dateTimeFormat } from "@/components/anomalies";
import { Button } from "@/components/ui/button";

/**
 * Says that the workflow is paused (by hand or by anomaly remediation: its runs are refused) and
 * why, with Resume for those who may edit it. Hidden once resumed.
 */
export function PausedBanner({
  workflow,
}: {
  workflow: { id: string; name: string; pausedAt: Date | null; pausedReason: string | null };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const resume = useMutation(
    trpc.workflow.resume.mutationOptions({
      onSuccess: () => {
        toast.success(`“${workflow.name}” runs again`);
        // The editor keeps the workflow it loaded (never refetched under it): this hides the banner there.
        queryClient.setQueryData(trpc.workflow.get.queryKey({ id: workflow.id }), (loaded) =>
          loaded ? { ...loaded, pausedAt: null, pausedReason: null } : loaded,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.workflow.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.anomaly.pathKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  if (!workflow.pausedAt) return null;
  return (
    <div
      role="status"
      className="flex flex-wrap items-center gap-3 border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      <PauseCircle className="size-4 shrink-0" aria-hidden />
      <p className="min-w-0 flex-1">
        <strong>Paused</strong> since {dateTimeFormat.format(workflow.pausedAt)}
        {workflow.pausedReason ? ` — ${workflow.pausedReason}` : ""}. New runs are refused until it
        is resumed.{" "}
        <Link href="/anomalies" className="underline underline-offset-2">
          See alerts
        </Link>
      </p>
      {can("workflow.edit") ? (
        <Button
          size="sm"
          variant="secondary"
          disabled={resume.isPending}
          onClick={() => resume.mutate({ id: workflow.id })}
        >
          {resume.isPending ? "Resuming…" : "Resume"}
        </Button>
      ) : null}
    </div>
  );
}
