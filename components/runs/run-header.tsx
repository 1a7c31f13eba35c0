import Link from "next/link";
import type { ReactNode } from "react";
import {
  dateTimeFormat,
  formatCost,
  formatDuration,
  formatTokens,
  unpricedNote,
  type RunStatus,
  type RunTrigger,
} from "@/components/shared/run-format";
import { StatusBadge } from "@/components/shared/status-badge";
import { TriggerBadge } from "@/components/shared/trigger-badge";

const shortDateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: "short",
  timeStyle: "short",
});

export interface RunSummary {
  id: string;
  status: RunStatus;
  workflowName: string;
  startedByName: string;
  createdAt: Date;
  durationMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedTokens: number;
  isDraft: boolean;
  retryOf: string | null;
  trigger: RunTrigger;
  /** What started it, e.g. the evaluation whose item this run is. */
  triggerId?: string | null;
}

export function RunHeader({ run, actions }: { run: RunSummary; actions: ReactNode }) {
  return (
    <header className="mb-6 space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex min-w-0 items-center gap-3">
          <h1 className="truncate text-2xl font-semibold tracking-tight">{run.workflowName}</h1>
          <StatusBadge status={run.status} />
          {run.isDraft ? <span className="text-xs text-muted-foreground">draft</span> : null}
        </div>
        {actions}
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 rounded-xl border bg-card p-4 text-sm sm:grid-cols-4 lg:grid-cols-7">
        <Item
          label="Trigger"
          value={
            run.trigger === "evaluation" && run.triggerId ? (
              <Link
                href={`/evaluations/${run.triggerId}`}
                className="underline underline-offset-2"
                title="The evaluation this run is an item of"
              >
                <TriggerBadge trigger={run.trigger} className="text-sm text-foreground" />
              </Link>
            ) : (
              <TriggerBadge trigger={run.trigger} className="text-sm text-foreground" />
            )
          }
        />
        <Item label="Started by" value={run.startedByName} />
        <Item
          label="Created"
          value={
            <time
              dateTime={run.createdAt.toISOString()}
              title={dateTimeFormat.format(run.createdAt)}
            >
              {shortDateTime.format(run.createdAt)}
            </time>
          }
        />
        <Item label="Duration" value={formatDuration(run.durationMs)} />
        <Item label="Tokens" value={formatTokens(run.inputTokens, run.outputTokens)} />
        <Item
          label="Cost"
          value={
            <span title={unpricedNote(run.unpricedTokens)}>
              {formatCost(run.costUsd, run.unpricedTokens)}
            </span>
          }
        />
        <Item
          label="Retry of"
          value={
            run.retryOf ? (
              <Link className="underline underline-offset-2" href={`/runs/${run.retryOf}`}>
                earlier run
              </Link>
            ) : (
              "—"
            )
          }
        />
      </dl>
    </header>
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
