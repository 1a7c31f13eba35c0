"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { BarChart3, Download } from "lucide-react";
import { useState } from "react";
import { Stat } from "@/components/shared/chart-card";
import { formatCost, formatNumber } from "@/components/shared/run-format";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState, ErrorState, SkeletonRows } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";
import { AdminSection } from "./admin-page";
import {
  BreakdownChart,
  BreakdownTable,
  UsageByDayChart,
  type BreakdownRow,
  type DayMetric,
  type UsageFigures,
} from "./usage-charts";
import { resolveUsageRange, USAGE_RANGES, type UsageRangeId } from "./usage-range";

type Summary = inferRouterOutputs<AppRouter>["usage"]["summary"];

const TOP = 8;

/** Admin → Usage: what the tenant's runs used in a range, charted, with the billing CSV. */
export function UsagePage() {
  const [rangeId, setRangeId] = useState<UsageRangeId>("30d");
  const range = resolveUsageRange(rangeId);
  const csvHref = `/api/usage/export?${new URLSearchParams(range).toString()}`;
  return (
    <AdminSection
      permission="usage.view"
      title="Usage"
      description={`Runs that ended from ${range.from} to ${range.to} (UTC days): tokens, cost and MCP calls, for billing.`}
      actions={
        <div className="flex flex-wrap items-center gap-2">
          <select
            aria-label="Date range"
            className="h-9 rounded-md border bg-card px-2 text-sm"
            value={rangeId}
            onChange={(e) => setRangeId(e.target.value as UsageRangeId)}
          >
            {USAGE_RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
          <a
            href={csvHref}
            download
            className={cn(
              "inline-flex h-9 items-center gap-2 rounded-md border bg-card px-3 text-sm font-medium hover:bg-muted",
            )}
          >
            <Download className="size-4" aria-hidden />
            Download CSV
          </a>
        </div>
      }
    >
      <UsageFiguresView range={range} />
    </AdminSection>
  );
}

function UsageFiguresView({ range }: { range: { from: string; to: string } }) {
  const trpc = useTRPC();
  const usage = useQuery({
    ...trpc.usage.summary.queryOptions({ ...range, top: TOP }),
    placeholderData: (previous) => previous,
  });
  if (usage.isPending) return <SkeletonRows rows={4} />;
  if (usage.isError)
    return <ErrorState message={usage.error.message} onRetry={() => void usage.refetch()} />;
  const data = usage.data;
  return (
    <div className="space-y-4" aria-busy={usage.isFetching}>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat label="Runs" value={formatNumber(data.totals.runs)} />
        <Stat label="Steps" value={formatNumber(data.totals.steps)} />
        <Stat label="Tokens in" value={formatNumber(data.totals.inputTokens)} />
        <Stat label="Tokens out" value={formatNumber(data.totals.outputTokens)} />
        <Stat label="Cost" value={formatCost(data.totals.costUsd, data.totals.unpricedTokens)} />
        <Stat label="MCP calls" value={formatNumber(data.totals.mcpCalls)} />
      </div>
      {data.totals.runs === 0 ? (
        <EmptyState icon={BarChart3} title="No usage in this range">
          <p className="max-w-md text-sm text-muted-foreground">
            Each run is counted here when it ends. Run a workflow, or pick a longer range.
          </p>
        </EmptyState>
      ) : (
        <>
          <DayChart data={data} />
          <div className="grid gap-4 xl:grid-cols-2">
            <Breakdown title="By workflow" nameHeader="Workflow" rows={workflowRows(data)} />
            <Breakdown title="By member" nameHeader="Member" rows={memberRows(data)} />
          </div>
        </>
      )}
    </div>
  );
}

function DayChart({ data }: { data: Summary }) {
  const usesModels = data.totals.inputTokens + data.totals.outputTokens > 0;
  const [choice, setChoice] = useState<DayMetric | null>(null);
  const metric = choice ?? (usesModels ? "tokens" : "runs");
  return (
    <section className="rounded-xl border bg-card p-4" aria-label="By day">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">
          {metric === "tokens" ? "Tokens and cost by day" : "Runs by day"}
        </h3>
        <div role="group" aria-label="Chart by day shows" className="flex gap-1">
          {(["tokens", "runs"] as const).map((option) => (
            <Button
              key={option}
              size="sm"
              variant={metric === option ? "secondary" : "ghost"}
              aria-pressed={metric === option}
              onClick={() => setChoice(option)}
            >
              {option === "tokens" ? "Tokens and cost" : "Runs"}
            </Button>
          ))}
        </div>
      </div>
      <div className="h-72">
        <UsageByDayChart days={data.byDay} metric={metric} />
      </div>
    </section>
  );
}

function Breakdown({
  title,
  nameHeader,
  rows,
}: {
  title: string;
  nameHeader: string;
  rows: BreakdownRow[];
}) {
  return (
    <section className="rounded-xl border bg-card p-4" aria-label={title}>
      <h3 className="mb-3 text-sm font-semibold">{title}</h3>
      <div style={{ height: Math.max(120, rows.length * 36 + 40) }}>
        <BreakdownChart rows={rows} />
      </div>
      <BreakdownTable
        caption={`Usage ${title.toLowerCase()}`}
        nameHeader={nameHeader}
        rows={rows}
      />
    </section>
  );
}

const withOther = (rows: BreakdownRow[], other: UsageFigures | null): BreakdownRow[] =>
  other ? [...rows, { ...other, key: "other", label: "Other" }] : rows;

function workflowRows(data: Summary): BreakdownRow[] {
  return withOther(
    data.byWorkflow.items.map((w) => ({
      ...w,
      key: w.workflowId ?? "none",
      label: w.name ?? (w.workflowId ? "Deleted workflow" : "No workflow"),
    })),
    data.byWorkflow.other,
  );
}

function memberRows(data: Summary): BreakdownRow[] {
  return withOther(
    data.byMember.items.map((m) => ({
      ...m,
      key: m.userId ?? "none",
      label: m.name ?? m.email ?? "Deleted account",
    })),
    data.byMember.other,
  );
}
