"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { FlaskConical, GitCompare } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { StatusBadge } from "@/components/shared/status-badge";
import { formatDuration } from "@/components/shared/run-format";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { DataTable } from "@/components/ui/data-table";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";
import {
  evaluationDurationMs,
  formatInterval,
  formatScore,
  isActiveEvaluation,
  orderForCompare,
  progressOf,
  versionLabel,
  type ScoreInterval,
} from "./format";
import { StartEvaluationDialog } from "./start-evaluation-dialog";
import { useNow } from "./use-now";

export type EvaluationListRow = inferRouterOutputs<AppRouter>["evaluation"]["list"][number];

/** Rows shown at first and added by "Show more"; the server answers at most MAX_ROWS. */
const PAGE_SIZE = 20;
const MAX_ROWS = 200;

const shortDateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: "short",
  timeStyle: "short",
});

/** The summary fields the list shows (the server stores engine summarizeEvaluation's answer as JSON). */
function scoreOf(summary: unknown): { score: number | null; interval: ScoreInterval | null } {
  const s = summary as { score?: number | null; interval?: ScoreInterval | null } | null;
  return { score: s?.score ?? null, interval: s?.interval ?? null };
}

/**
 * A workflow's evaluations (of one dataset when `datasetId` is given): status, version, dataset
 * version, score with its interval, progress, start and duration; "Run evaluation"; pick two to
 * compare them. Refreshes every second while one runs.
 */
export function EvaluationList({
  workflowId,
  datasetId,
}: {
  workflowId: string;
  datasetId?: string;
}) {
  const trpc = useTRPC();
  const { can } = useMe();
  const [limit, setLimit] = useState(PAGE_SIZE);
  const list = useQuery({
    ...trpc.evaluation.list.queryOptions({
      workflowId,
      ...(datasetId ? { datasetId } : {}),
      limit,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.some((e) => isActiveEvaluation(e.status)) ? 1000 : false,
  });
  const [picked, setPicked] = useState<string[]>([]);
  const rows = list.data ?? [];
  const now = useNow(rows.some((row) => isActiveEvaluation(row.status)));
  const pair = orderForCompare(rows.filter((row) => picked.includes(row.id)));

  function toggle(id: string) {
    setPicked((current) =>
      current.includes(id) ? current.filter((x) => x !== id) : [...current.slice(-1), id],
    );
  }

  return (
    <section aria-labelledby="evaluations-title" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="evaluations-title" className="text-lg font-semibold">
          Evaluations
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          {pair ? (
            <Link
              href={`/evaluations/compare?base=${pair.base.id}&candidate=${pair.candidate.id}`}
              className="inline-flex h-10 items-center gap-2 rounded-md border bg-card px-4 text-sm font-medium hover:bg-muted"
            >
              <GitCompare className="size-4" aria-hidden />
              Compare
            </Link>
          ) : rows.length > 1 ? (
            <span className="text-sm text-muted-foreground">Pick two to compare</span>
          ) : null}
          {can("workflow.edit") ? (
            <StartEvaluationDialog workflowId={workflowId} datasetId={datasetId} />
          ) : null}
        </div>
      </div>
      {list.isPending ? (
        <SkeletonRows rows={3} />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={FlaskConical} title="No evaluations yet">
          <p className="max-w-md text-sm text-muted-foreground">
            An evaluation runs every item of a dataset against a version of the workflow (or its
            draft) and scores the outputs.
          </p>
        </EmptyState>
      ) : (
        <DataTable
          label="Evaluations"
          columns={[
            { label: "Compare", srOnly: true, className: "w-8" },
            { label: "Status" },
            { label: "Version" },
            { label: datasetId ? "Dataset version" : "Dataset" },
            { label: "Score", align: "right" },
            { label: "Items", align: "right" },
            { label: "Started" },
            { label: "Duration", align: "right" },
          ]}
        >
          <tbody>
            {rows.map((row) => (
              <EvaluationRow
                key={row.id}
                row={row}
                now={now}
                isPicked={picked.includes(row.id)}
                onToggle={() => toggle(row.id)}
                showDataset={!datasetId}
              />
            ))}
          </tbody>
        </DataTable>
      )}
      {rows.length === limit && limit < MAX_ROWS ? (
        <div className="flex justify-center">
          <Button
            variant="secondary"
            onClick={() => setLimit((n) => Math.min(MAX_ROWS, n + PAGE_SIZE))}
            disabled={list.isPlaceholderData}
          >
            {list.isPlaceholderData ? <Spinner /> : null}
            Show more
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function EvaluationRow({
  row,
  now,
  isPicked,
  onToggle,
  showDataset,
}: {
  row: EvaluationListRow;
  now: number;
  isPicked: boolean;
  onToggle: () => void;
  showDataset: boolean;
}) {
  const { score, interval } = scoreOf(row.summary);
  const progress = progressOf(row.finishedItems, row.totalItems);
  const started = row.startedAt ?? row.createdAt;
  const duration = evaluationDurationMs(row, now);
  const label = `${versionLabel(row)} on ${row.datasetName} v${row.datasetVersion}`;
  return (
    <tr className="border-b last:border-0 hover:bg-muted/50" data-evaluation-id={row.id}>
      <td className="px-4 py-2">
        <input
          type="checkbox"
          checked={isPicked}
          onChange={onToggle}
          aria-label={`Pick ${label} (${shortDateTime.format(started)}) to compare`}
        />
      </td>
      <td className="px-4 py-2">
        <StatusBadge status={row.status} />
      </td>
      <td className="px-4 py-2">
        <Link
          href={`/evaluations/${row.id}`}
          className="font-medium underline-offset-2 hover:underline"
        >
          {versionLabel(row)}
        </Link>
      </td>
      <td className="px-4 py-2 text-muted-foreground">
        {showDataset ? `${row.datasetName} ` : ""}v{row.datasetVersion}
      </td>
      <td className="px-4 py-2 text-right tabular-nums">
        <span className="font-medium">{formatScore(score)}</span>
        {interval ? (
          <span className="ml-1 text-xs text-muted-foreground">({formatInterval(interval)})</span>
        ) : null}
      </td>
      <td className="px-4 py-2 text-right tabular-nums">
        {progress.label}
        {row.failedRuns > 0 ? (
          <span className="ml-1 text-xs text-danger">({row.failedRuns} failed)</span>
        ) : null}
      </td>
      <td className="px-4 py-2 tabular-nums text-muted-foreground">
        <time dateTime={started.toISOString()}>{shortDateTime.format(started)}</time>
      </td>
      <td className="px-4 py-2 text-right tabular-nums">{formatDuration(duration)}</td>
    </tr>
  );
}
