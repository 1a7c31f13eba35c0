"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, FlaskConical } from "lucide-react";
import Link from "next/link";
import { useCallback, type ReactNode } from "react";
import { ChartCard } from "@/components/shared/chart-card";
import { formatNumber } from "@/components/shared/run-format";
import { useRunsChanged } from "@/components/shared/use-runs-live";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { cn } from "@/components/ui/cn";
import { EmptyState, ErrorState, SkeletonRows } from "@/components/ui/states";
import { dateTimeFormat } from "@/components/anomalies";
import { ExperimentArms } from "./experiment-arms";
import { ExperimentStatusBadge } from "./experiment-status-badge";
import { KeepWinnerButton } from "./keep-winner-button";
import { armRate } from "./format";
import { RateChart } from "./rate-chart";
import { StopExperimentButton } from "./stop-experiment-button";
import type { ExperimentDetail } from "./types";
import { describeVerdict } from "./verdict";

const points = (share: number) => `${share >= 0 ? "+" : "−"}${Math.abs(share * 100).toFixed(1)}`;

/** One A/B experiment: its arms side by side, the verdict in words, both posteriors, and Stop. Refetched as runs end. */
export function ExperimentPage({ experimentId }: { experimentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.learning.experiment.queryOptions({ id: experimentId }));
  const refresh = useCallback(
    () =>
      void queryClient.invalidateQueries({
        queryKey: trpc.learning.experiment.queryKey({ id: experimentId }),
      }),
    [queryClient, trpc, experimentId],
  );
  useRunsChanged(refresh, 3_000);

  const back = (
    <Link
      href="/learning"
      className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
    >
      <ArrowLeft className="size-4" aria-hidden /> Learning
    </Link>
  );
  if (detail.isPending) return <SkeletonRows rows={6} />;
  if (detail.isError) {
    const code = errorCode(detail.error);
    return code === "NOT_FOUND" || code === "BAD_REQUEST" ? (
      <EmptyState icon={FlaskConical} title="Experiment not found">
        <Link href="/learning" className="text-sm underline underline-offset-2">
          Back to Learning
        </Link>
      </EmptyState>
    ) : (
      <ErrorState message={detail.error.message} onRetry={() => void detail.refetch()} />
    );
  }

  const experiment = detail.data;
  return (
    <>
      {back}
      <ExperimentHeader experiment={experiment} />
      <div className="space-y-4">
        <Verdict experiment={experiment} />
        <ExperimentArms experiment={experiment} />
        <ChartCard title="Posterior success rate per version (95 % credible interval)">
          <RateChart
            label="Posterior success rate per version"
            emptyMessage="No runs yet: the chart appears with the first outcomes."
            bars={
              experiment.arms.some((arm) => arm.runs > 0)
                ? experiment.arms.map((arm) => ({
                    name: arm.label,
                    rate: armRate(arm.successes, arm.runs),
                    runs: arm.runs,
                  }))
                : []
            }
          />
        </ChartCard>
      </div>
    </>
  );
}

function ExperimentHeader({ experiment }: { experiment: ExperimentDetail }) {
  const { stopRule } = experiment;
  return (
    <header className="mb-6 space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex min-w-0 flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{experiment.name}</h1>
          <ExperimentStatusBadge status={experiment.status} />
        </div>
        <StopExperimentButton experiment={experiment} />
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 rounded-xl border bg-card p-4 text-sm sm:grid-cols-3 lg:grid-cols-[repeat(4,minmax(0,1fr))_minmax(0,2fr)]">
        <Item
          label="Workflow"
          value={
            <Link
              href={`/workflows/${experiment.workflowId}`}
              className="underline underline-offset-2"
            >
              {experiment.workflowName ?? "Open the workflow"}
            </Link>
          }
        />
        <Item label="Started" value={dateTimeFormat.format(experiment.createdAt)} />
        <Item
          label="Ended"
          value={experiment.endedAt ? dateTimeFormat.format(experiment.endedAt) : "Still running"}
        />
        <Item label="Success measure" value={experiment.successMeasureLabel} />
        <Item
          label="Assignment"
          value={
            experiment.assignment === "hash"
              ? `Fixed split ${Math.round(experiment.split * 100)} / ${Math.round((1 - experiment.split) * 100)}`
              : "Thompson sampling"
          }
        />
        <Item
          label="Stop rule"
          value={
            <>
              ≥ {formatNumber(stopRule.minPerArm)} runs per arm, P ≥ {stopRule.threshold}; judged
              every {formatNumber(stopRule.lookEvery)} runs, undecided after{" "}
              {formatNumber(stopRule.maxTotal)}
            </>
          }
        />
      </dl>
    </header>
  );
}

function Verdict({ experiment }: { experiment: ExperimentDetail }) {
  const verdict = describeVerdict(experiment);
  const { result } = experiment;
  const [a, b] = experiment.arms;
  const hasRuns = result.samples[0] + result.samples[1] > 0;
  return (
    <section
      aria-label="Verdict"
      data-testid="experiment-verdict"
      className={cn(
        "rounded-xl border p-4",
        verdict.tone === "winner" ? "border-emerald-600/40 bg-emerald-500/5" : "bg-card",
      )}
    >
      <h2
        className={cn(
          "text-lg font-semibold",
          verdict.tone === "winner" && "text-emerald-700 dark:text-emerald-400",
        )}
      >
        {verdict.headline}
      </h2>
      <p className="mt-1 text-sm">{verdict.detail}</p>
      {hasRuns && a && b ? (
        <p className="mt-2 text-sm text-muted-foreground">
          So far: P({b.label} is better than {a.label}) ={" "}
          {result.probabilitySecondBetter.toFixed(3)}; {b.label} − {a.label} ={" "}
          {points(result.difference.mean)} points of success rate (95 % interval{" "}
          {points(result.difference.low)} to {points(result.difference.high)}).
        </p>
      ) : null}
      <KeepWinnerButton experiment={experiment} />
    </section>
  );
}

function Item({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="break-words tabular-nums">{value}</dd>
    </div>
  );
}
