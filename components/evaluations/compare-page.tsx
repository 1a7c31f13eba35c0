"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { ArrowLeft, ArrowLeftRight, GitCompare } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import type { EvaluationComparison, ItemComparison } from "@/engine/evaluation";
import { formatDuration } from "@/components/shared/run-format";
import { StatusBadge } from "@/components/shared/status-badge";
import { useTRPC } from "@/components/trpc/react";
import { Pager } from "@/components/ui/pager";
import { cn } from "@/components/ui/cn";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState, ErrorState, SkeletonRows } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";
import type { EvaluatorInfo } from "./evaluation-summary";
import {
  deltaTone,
  evaluatorLabel,
  formatDelta,
  formatScore,
  formatScoreWithInterval,
  formatSigned,
  formatUsd,
  isActiveEvaluation,
  pageOf,
  pollIntervalMs,
  previewValue,
  versionLabel,
} from "./format";

type EvaluationDetail = inferRouterOutputs<AppRouter>["evaluation"]["get"];

const PAGE_SIZE = 25;
const CHANGE_STYLES: Record<ItemComparison["change"], string> = {
  regressed: "bg-danger/15 text-danger",
  improved: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-400",
  unchanged: "bg-muted text-muted-foreground",
  unscored: "bg-amber-500/15 text-amber-700 dark:text-amber-400",
};
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Two evaluations of one dataset version side by side: aggregates with intervals and deltas, then each item's change, regressions first. */
export function ComparePage({ baseId, candidateId }: { baseId: string; candidateId: string }) {
  const trpc = useTRPC();
  const refetchWhileRunning = (query: { state: { data?: EvaluationDetail } }) =>
    query.state.data && isActiveEvaluation(query.state.data.evaluation.status)
      ? Math.max(2000, pollIntervalMs(query.state.data.evaluation.totalItems))
      : false;
  const base = useQuery({
    ...trpc.evaluation.get.queryOptions({ id: baseId }),
    refetchInterval: refetchWhileRunning,
  });
  const candidate = useQuery({
    ...trpc.evaluation.get.queryOptions({ id: candidateId }),
    refetchInterval: refetchWhileRunning,
  });
  const isRunning = [base.data, candidate.data].some(
    (d) => d && isActiveEvaluation(d.evaluation.status),
  );
  // Items are matched one by one, so only evaluations of one dataset version compare (the server refuses others).
  const isSameVersion = Boolean(
    base.data &&
    candidate.data &&
    base.data.evaluation.datasetVersionId === candidate.data.evaluation.datasetVersionId,
  );
  const comparison = useQuery({
    ...trpc.evaluation.compare.queryOptions({ baseId, candidateId }),
    enabled: isSameVersion,
    refetchInterval: isRunning ? 2000 : false,
  });

  if (base.isPending || candidate.isPending) return <SkeletonRows rows={6} />;
  const failed = base.isError ? base : candidate.isError ? candidate : null;
  if (failed?.error)
    return (
      <ErrorState
        title="An evaluation could not be loaded"
        message={failed.error.message}
        onRetry={() => void failed.refetch()}
      />
    );
  if (!base.data || !candidate.data) return <SkeletonRows rows={6} />;
  const [b, c] = [base.data.evaluation, candidate.data.evaluation];

  let body: ReactNode;
  if (!isSameVersion) {
    body = (
      <div role="alert" className="rounded-lg border border-danger/40 bg-danger/5 p-4 text-sm">
        <p className="font-medium text-danger">These evaluations used different dataset versions</p>
        <p className="mt-1">
          The base ran {b.datasetName} v{b.datasetVersion} and the candidate {c.datasetName} v
          {c.datasetVersion}. Items are compared one by one, so both must run the same dataset
          version: start a new evaluation of one of them on {c.datasetName} v{c.datasetVersion} (or
          v{b.datasetVersion}) and compare again.
        </p>
      </div>
    );
  } else if (comparison.isPending) body = <SkeletonRows rows={4} />;
  else if (comparison.isError)
    body = (
      <ErrorState message={comparison.error.message} onRetry={() => void comparison.refetch()} />
    );
  else
    body = (
      <ComparisonBody comparison={comparison.data} base={base.data} candidate={candidate.data} />
    );

  return (
    <>
      <Link
        href={`/workflows/${c.workflowId}/datasets/${c.datasetId}`}
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden /> {c.datasetName}: datasets and evaluations
      </Link>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">
          Compare: {versionLabel(b)} → {versionLabel(c)}{" "}
          <span className="text-base font-normal text-muted-foreground">({c.workflowName})</span>
        </h1>
        <Link
          href={`/evaluations/compare?base=${candidateId}&candidate=${baseId}`}
          className="inline-flex h-10 items-center gap-2 rounded-md border bg-card px-4 text-sm font-medium hover:bg-muted"
        >
          <ArrowLeftRight className="size-4" aria-hidden /> Swap base and candidate
        </Link>
      </div>
      <div className="mb-6 grid gap-4 md:grid-cols-2">
        <Side title="Base" detail={base.data} />
        <Side title="Candidate" detail={candidate.data} />
      </div>
      {isRunning ? (
        <p className="mb-4 text-sm text-muted-foreground">
          An evaluation is still running: the comparison covers the items both have finished and
          updates as they go.
        </p>
      ) : null}
      {body}
    </>
  );
}

function Side({ title, detail }: { title: string; detail: EvaluationDetail }) {
  const e = detail.evaluation;
  return (
    <section aria-label={title} className="rounded-xl border bg-card p-4 text-sm">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="text-xs font-semibold uppercase text-muted-foreground">{title}</h2>
        <StatusBadge status={e.status} />
      </div>
      <p className="text-lg font-semibold">
        <Link href={`/evaluations/${e.id}`} className="underline-offset-2 hover:underline">
          {versionLabel(e)}
        </Link>
      </p>
      <p className="text-muted-foreground">
        {e.datasetName} v{e.datasetVersion} · {e.finishedItems} / {e.totalItems} items · started{" "}
        {e.startedAt ? dateTime.format(e.startedAt) : "—"}
      </p>
    </section>
  );
}

function ComparisonBody({
  comparison,
  base,
  candidate,
}: {
  comparison: EvaluationComparison;
  base: EvaluationDetail;
  candidate: EvaluationDetail;
}) {
  const evaluators = [
    ...(base.evaluation.evaluators as EvaluatorInfo[]),
    ...(candidate.evaluation.evaluators as EvaluatorInfo[]),
  ];
  const names = new Map(evaluators.map((e) => [e.id, evaluatorLabel(e)]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const d = comparison;
  return (
    <div className="space-y-6">
      <section aria-labelledby="aggregates-title" className="rounded-xl border bg-card p-4">
        <h2 id="aggregates-title" className="mb-3 text-sm font-semibold">
          Aggregates{" "}
          <span className="font-normal text-muted-foreground">
            (over the items both scored; cost and latency over the items both ran)
          </span>
        </h2>
        <table className="w-full text-left text-sm" aria-label="Aggregates">
          <thead className="text-xs uppercase text-muted-foreground">
            <tr>
              <th className="py-1 pr-4 font-medium">Measure</th>
              <th className="py-1 pr-4 text-right font-medium">Base</th>
              <th className="py-1 pr-4 text-right font-medium">Candidate</th>
              <th className="py-1 text-right font-medium">Difference</th>
            </tr>
          </thead>
          <tbody>
            <AggregateRow
              label="Score (95% interval)"
              base={formatScoreWithInterval(d.score.base, d.score.baseInterval)}
              candidate={formatScoreWithInterval(d.score.candidate, d.score.candidateInterval)}
              delta={formatDelta(d.pairedDifference?.mean ?? d.score.delta, "score")}
              note={
                d.pairedDifference
                  ? `95% CI ${formatSigned(d.pairedDifference.low)} to ${formatSigned(d.pairedDifference.high)}`
                  : undefined
              }
              tone={deltaTone(d.score.delta, true)}
            />
            <AggregateRow
              label="Pass rate"
              base={percent(d.passRate.base)}
              candidate={percent(d.passRate.candidate)}
              delta={
                d.passRate.delta === null ? "—" : `${formatSigned(d.passRate.delta * 100, 0)} pts`
              }
              tone={deltaTone(d.passRate.delta, true)}
            />
            {d.byEvaluator.map((entry) => (
              <AggregateRow
                key={entry.evaluatorId}
                label={`· ${nameOf(entry.evaluatorId)}`}
                base={formatScore(entry.base)}
                candidate={formatScore(entry.candidate)}
                delta={formatDelta(entry.delta, "score")}
                tone={deltaTone(entry.delta, true)}
              />
            ))}
            <AggregateRow
              label="Cost per item"
              base={formatUsd(d.meanCostUsd.base)}
              candidate={formatUsd(d.meanCostUsd.candidate)}
              delta={formatDelta(d.meanCostUsd.delta, "usd")}
              tone={deltaTone(d.meanCostUsd.delta, false)}
            />
            <AggregateRow
              label="Total cost"
              base={formatUsd(d.totalCostUsd.base)}
              candidate={formatUsd(d.totalCostUsd.candidate)}
              delta={formatDelta(d.totalCostUsd.delta, "usd")}
              tone={deltaTone(d.totalCostUsd.delta, false)}
            />
            <AggregateRow
              label="Latency p50"
              base={formatDuration(d.p50DurationMs.base)}
              candidate={formatDuration(d.p50DurationMs.candidate)}
              delta={formatDelta(d.p50DurationMs.delta, "ms")}
              tone={deltaTone(d.p50DurationMs.delta, false)}
            />
            <AggregateRow
              label="Latency p95"
              base={formatDuration(d.p95DurationMs.base)}
              candidate={formatDuration(d.p95DurationMs.candidate)}
              delta={formatDelta(d.p95DurationMs.delta, "ms")}
              tone={deltaTone(d.p95DurationMs.delta, false)}
            />
          </tbody>
        </table>
      </section>
      <ComparedItems comparison={d} base={base} candidate={candidate} nameOf={nameOf} />
    </div>
  );
}

function AggregateRow({
  label,
  base,
  candidate,
  delta,
  tone,
  note,
}: {
  label: string;
  base: string;
  candidate: string;
  delta: string;
  tone: "better" | "worse" | "same";
  note?: string;
}) {
  return (
    <tr className="border-t">
      <td className="py-1.5 pr-4">{label}</td>
      <td className="py-1.5 pr-4 text-right tabular-nums">{base}</td>
      <td className="py-1.5 pr-4 text-right tabular-nums">{candidate}</td>
      <td
        className={cn(
          "py-1.5 text-right font-medium tabular-nums",
          tone === "better" && "text-emerald-700 dark:text-emerald-400",
          tone === "worse" && "text-danger",
        )}
      >
        {delta}
        {note ? (
          <span className="block text-xs font-normal text-muted-foreground">{note}</span>
        ) : null}
      </td>
    </tr>
  );
}

function ComparedItems({
  comparison,
  base,
  candidate,
  nameOf,
}: {
  comparison: EvaluationComparison;
  base: EvaluationDetail;
  candidate: EvaluationDetail;
  nameOf: (id: string) => string;
}) {
  const [page, setPage] = useState(0);
  const current = pageOf(comparison.items, page, PAGE_SIZE);
  const baseItems = new Map(base.items.map((item) => [item.itemId, item]));
  const candidateItems = new Map(candidate.items.map((item) => [item.itemId, item]));
  const { counts } = comparison;
  return (
    <section aria-labelledby="changes-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="changes-title" className="text-sm font-semibold">
          Items, regressions first
        </h2>
        <p className="flex flex-wrap gap-2 text-xs">
          {(["regressed", "improved", "unchanged", "unscored"] as const).map((change) => (
            <span
              key={change}
              className={cn("rounded-full px-2 py-0.5 font-medium", CHANGE_STYLES[change])}
            >
              {counts[change]} {change}
            </span>
          ))}
        </p>
      </div>
      {comparison.onlyInBase.length || comparison.onlyInCandidate.length ? (
        <p className="text-xs text-muted-foreground">
          Left out, finished by one side only: {comparison.onlyInBase.length} in the base,{" "}
          {comparison.onlyInCandidate.length} in the candidate.
        </p>
      ) : null}
      {comparison.items.length === 0 ? (
        <EmptyState icon={GitCompare} title="No items to compare yet">
          <p className="text-sm text-muted-foreground">
            Items appear once both evaluations have finished them.
          </p>
        </EmptyState>
      ) : (
        <DataTable
          label="Item changes"
          columns={[
            { label: "Change" },
            { label: "Input" },
            { label: "Base", align: "right" },
            { label: "Candidate", align: "right" },
            { label: "Difference", align: "right" },
            { label: "By evaluator" },
            { label: "Runs" },
          ]}
        >
          <tbody>
            {current.rows.map((item) => {
              const [b, c] = [baseItems.get(item.itemId), candidateItems.get(item.itemId)];
              return (
                <tr
                  key={item.itemId}
                  className="border-b align-top last:border-0"
                  data-item-id={item.itemId}
                  data-change={item.change}
                >
                  <td className="px-4 py-2">
                    <span
                      className={cn(
                        "rounded-full px-2 py-0.5 text-xs font-medium",
                        CHANGE_STYLES[item.change],
                      )}
                    >
                      {item.change}
                    </span>
                  </td>
                  <td
                    className="max-w-64 px-4 py-2 font-mono text-xs"
                    title={b?.input ? JSON.stringify(b.input, null, 2) : undefined}
                  >
                    {previewValue(b?.input ?? c?.input)}
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {formatScore(item.baseScore)}
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {formatScore(item.candidateScore)}
                  </td>
                  <td
                    className={cn(
                      "px-4 py-2 text-right font-medium tabular-nums",
                      item.change === "regressed" && "text-danger",
                      item.change === "improved" && "text-emerald-700 dark:text-emerald-400",
                    )}
                  >
                    {formatDelta(item.delta, "score")}
                  </td>
                  <td className="px-4 py-2 text-xs">
                    <ul className="space-y-0.5">
                      {item.evaluators
                        .filter((entry) => entry.delta !== 0)
                        .map((entry) => (
                          <li key={entry.evaluatorId}>
                            {nameOf(entry.evaluatorId)}: {formatScore(entry.base)} →{" "}
                            {formatScore(entry.candidate)}
                          </li>
                        ))}
                    </ul>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2 text-xs">
                    {b?.runId ? (
                      <Link href={`/runs/${b.runId}`} className="underline underline-offset-2">
                        Base run
                      </Link>
                    ) : (
                      <span className="text-muted-foreground">no base run</span>
                    )}
                    {" · "}
                    {c?.runId ? (
                      <Link href={`/runs/${c.runId}`} className="underline underline-offset-2">
                        Candidate run
                      </Link>
                    ) : (
                      <span className="text-muted-foreground">no candidate run</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </DataTable>
      )}
      <Pager page={current.page} pages={current.pages} onPage={setPage} label="Item pages" />
    </section>
  );
}

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)}%`);
