"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, FlaskConical, Square } from "lucide-react";
import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { toast } from "sonner";
import { summarizeEvaluation, type EvaluationSummary } from "@/engine/evaluation/aggregate";
import { formatDuration } from "@/components/shared/run-format";
import { StatusBadge } from "@/components/shared/status-badge";
import { useMe } from "@/components/shared/use-me";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import { EvaluationItems } from "./evaluation-items";
import { EvaluationSummaryView, type EvaluatorInfo } from "./evaluation-summary";
import {
  evaluationDurationMs,
  isActiveEvaluation,
  pollIntervalMs,
  progressOf,
  toEvaluatedItem,
  versionLabel,
} from "./format";
import { useNow } from "./use-now";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * One evaluation: what ran (workflow, version or draft, dataset and version), its progress while it
 * runs (polled every second), cancel, the summary with its interval and each item's result.
 */
export function EvaluationPage({ evaluationId }: { evaluationId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const detail = useQuery({
    ...trpc.evaluation.get.queryOptions({ id: evaluationId }),
    refetchInterval: (query) =>
      query.state.data && isActiveEvaluation(query.state.data.evaluation.status)
        ? pollIntervalMs(query.state.data.evaluation.totalItems)
        : false,
  });
  const cancel = useMutation(
    trpc.evaluation.cancel.mutationOptions({
      onSuccess: () => {
        toast.success("Evaluation cancelled: the items it finished are kept");
        void queryClient.invalidateQueries({
          queryKey: trpc.evaluation.get.queryKey({ id: evaluationId }),
        });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const evaluation = detail.data?.evaluation;
  const items = detail.data?.items;
  const isActive = evaluation ? isActiveEvaluation(evaluation.status) : false;
  const now = useNow(isActive);
  const summary = useMemo<EvaluationSummary | null>(() => {
    if (!evaluation || !items) return null;
    return (
      (evaluation.summary as EvaluationSummary | null) ??
      summarizeEvaluation(items.map(toEvaluatedItem))
    );
  }, [evaluation, items]);

  if (detail.isPending) return <SkeletonRows rows={6} />;
  if (detail.isError) {
    return errorCode(detail.error) === "NOT_FOUND" ? (
      <EmptyState icon={FlaskConical} title="Evaluation not found">
        <Link href="/workflows" className="text-sm underline underline-offset-2">
          Back to workflows
        </Link>
      </EmptyState>
    ) : (
      <ErrorState message={detail.error.message} onRetry={() => void detail.refetch()} />
    );
  }
  const { evaluation: e, items: rows } = detail.data;
  const evaluators = e.evaluators as EvaluatorInfo[];
  const progress = progressOf(e.finishedItems, e.totalItems);
  const datasetHref = `/workflows/${e.workflowId}/datasets/${e.datasetId}`;

  return (
    <>
      <div className="mb-3 flex flex-wrap gap-4 text-sm text-muted-foreground">
        <Link href={datasetHref} className="inline-flex items-center gap-1 hover:text-foreground">
          <ArrowLeft className="size-4" aria-hidden /> {e.datasetName}: datasets and evaluations
        </Link>
        <Link href={`/workflows/${e.workflowId}/evaluations`} className="hover:text-foreground">
          All evaluations of the workflow
        </Link>
        <Link href={`/workflows/${e.workflowId}`} className="hover:text-foreground">
          Open the workflow
        </Link>
      </div>
      <header className="mb-6 space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex min-w-0 items-center gap-3">
            <h1 className="truncate text-2xl font-semibold tracking-tight">
              Evaluation of {e.workflowName}
            </h1>
            <StatusBadge status={e.status} />
          </div>
          {isActive && can("workflow.edit") ? (
            <Button
              variant="secondary"
              disabled={cancel.isPending}
              onClick={() => {
                if (
                  window.confirm(
                    "Cancel this evaluation? No more items start and the runs in flight are cancelled; the items it finished are kept.",
                  )
                )
                  cancel.mutate({ id: e.id });
              }}
            >
              {cancel.isPending ? <Spinner /> : <Square className="size-4" aria-hidden />}
              Cancel evaluation
            </Button>
          ) : null}
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 rounded-xl border bg-card p-4 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <Item label="Workflow version" value={versionLabel(e)} />
          <Item
            label="Dataset"
            value={
              <Link href={datasetHref} className="underline underline-offset-2">
                {e.datasetName} v{e.datasetVersion}
              </Link>
            }
          />
          <Item label="Items" value={progress.label} />
          <Item label="Runs at once" value={String(e.concurrency)} />
          <Item
            label="Started"
            value={
              e.startedAt ? (
                <time dateTime={e.startedAt.toISOString()}>{dateTime.format(e.startedAt)}</time>
              ) : (
                "—"
              )
            }
          />
          <Item label="Duration" value={formatDuration(evaluationDurationMs(e, now))} />
        </dl>
        <div className="space-y-1">
          <div
            role="progressbar"
            aria-label="Items finished"
            aria-valuemin={0}
            aria-valuemax={e.totalItems}
            aria-valuenow={e.finishedItems}
            aria-valuetext={`${progress.label} items`}
            className="h-2 overflow-hidden rounded-full bg-muted"
          >
            <div
              className={
                isActive
                  ? "h-full bg-primary transition-[width]"
                  : e.status === "failed"
                    ? "h-full bg-danger"
                    : "h-full bg-emerald-500"
              }
              style={{ width: `${progress.percent}%` }}
            />
          </div>
          <p className="text-xs text-muted-foreground">
            {progress.label} items finished ({progress.percent}%)
            {e.failedRuns > 0 ? `, ${e.failedRuns} run${e.failedRuns === 1 ? "" : "s"} failed` : ""}
            {isActive ? " · updating live" : ""}
          </p>
        </div>
      </header>

      {e.status === "failed" ? (
        <div
          role="alert"
          className="mb-4 rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm"
        >
          <p className="font-medium text-danger">The evaluation stopped early</p>
          <p className="mt-1">{e.error ?? "No reason was recorded."}</p>
          <p className="mt-1 text-muted-foreground">
            The {e.finishedItems} of {e.totalItems} items it finished are kept below; the summary
            covers those only.
          </p>
        </div>
      ) : e.status === "cancelled" ? (
        <div role="status" className="mb-4 rounded-lg border bg-muted/50 p-3 text-sm">
          Cancelled: the {e.finishedItems} of {e.totalItems} items finished before the cancel are
          kept below; the summary covers those only.
        </div>
      ) : null}

      {summary ? (
        <EvaluationSummaryView summary={summary} evaluators={evaluators} isPartial={!e.summary} />
      ) : null}
      <EvaluationItems
        items={rows}
        evaluators={evaluators}
        passThreshold={summary?.passThreshold ?? 0.5}
        isActive={isActive}
      />
    </>
  );
}

function Item({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="truncate tabular-nums">{value}</dd>
    </div>
  );
}
