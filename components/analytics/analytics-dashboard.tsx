"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import {
  formatCost,
  formatDuration,
  formatNumber,
  RUN_TRIGGERS,
  TRIGGER_LABELS,
  type RunTrigger,
} from "@/components/shared/run-format";
import { useRunsChanged } from "@/components/shared/use-runs-live";
import { useTRPC } from "@/components/trpc/react";
import { ErrorState, PageHeader } from "@/components/ui/states";
import { ChartCard, Stat } from "@/components/shared/chart-card";
import { LatencyChart, RunsOverTimeChart, UsageByDayChart } from "./charts";
import { TriggerTable } from "./trigger-table";
import { WorkflowTable } from "./workflow-table";

const RANGES = [
  { id: "hour", label: "Last hour" },
  { id: "day", label: "Last 24 hours" },
  { id: "week", label: "Last 7 days" },
  { id: "month", label: "Last 30 days" },
] as const;
type Range = (typeof RANGES)[number]["id"];

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

/** Runs, success, latency, tokens and cost over a window, refetched as runs happen. */
export function AnalyticsDashboard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [range, setRange] = useState<Range>("day");
  const [trigger, setTrigger] = useState<RunTrigger | "">("");
  const analytics = useQuery({
    ...trpc.analytics.runs.queryOptions({ range, trigger: trigger ? [trigger] : undefined }),
    placeholderData: (previous) => previous,
  });
  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: trpc.analytics.runs.pathKey() }),
    [queryClient, trpc],
  );
  useRunsChanged(refresh, 1500);

  const data = analytics.data;
  const names = new Map(data?.byWorkflow.map((w) => [w.workflowId, w.name]));
  const workflowName = (id: string) => names.get(id) ?? "Workflow";

  return (
    <>
      <PageHeader
        title="Analytics"
        description="Runs, success rate, latency, tokens and cost of this tenant, and where runs came from. Updates while runs happen."
        actions={
          <div className="flex flex-wrap gap-2">
            <select
              aria-label="Trigger"
              className="h-9 rounded-md border bg-card px-2 text-sm"
              value={trigger}
              onChange={(e) => setTrigger(e.target.value as RunTrigger | "")}
            >
              <option value="">Any trigger</option>
              {RUN_TRIGGERS.map((t) => (
                <option key={t} value={t}>
                  {TRIGGER_LABELS[t]}
                </option>
              ))}
            </select>
            <select
              aria-label="Time range"
              className="h-9 rounded-md border bg-card px-2 text-sm"
              value={range}
              onChange={(e) => setRange(e.target.value as Range)}
            >
              {RANGES.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </div>
        }
      />
      {analytics.isError ? (
        <ErrorState message={analytics.error.message} onRetry={() => void analytics.refetch()} />
      ) : (
        <div className="space-y-4" aria-busy={analytics.isFetching}>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
            <Stat
              label="Runs"
              value={data ? formatNumber(data.totals.runs) : "…"}
              hint={data ? `${data.totals.active} active` : undefined}
            />
            <Stat
              label="Success rate"
              value={
                data?.totals.successRate != null ? percent.format(data.totals.successRate) : "—"
              }
            />
            <Stat
              label="Latency p95"
              value={data ? formatDuration(data.totals.p95) : "…"}
              hint={data ? `p50 ${formatDuration(data.totals.p50)}` : undefined}
            />
            <Stat label="Tokens" value={data ? formatNumber(data.totals.tokens) : "…"} />
            <Stat label="Cost" value={data ? formatCost(data.totals.costUsd) : "…"} />
          </div>
          <ChartCard title={`Runs per ${data?.bucket ?? "bucket"}`}>
            {data ? (
              <RunsOverTimeChart
                data={data.overTime}
                bucket={data.bucket}
                since={data.since}
                until={data.until}
              />
            ) : (
              <Placeholder />
            )}
          </ChartCard>
          <div className="grid gap-4 lg:grid-cols-3">
            <ChartCard title="Latency by workflow">
              {data ? <LatencyChart data={data.byWorkflow} /> : <Placeholder />}
            </ChartCard>
            <ChartCard title="Cost by day">
              {data ? (
                <UsageByDayChart
                  data={data.usageByDay}
                  metric="costUsd"
                  workflowName={workflowName}
                />
              ) : (
                <Placeholder />
              )}
            </ChartCard>
            <ChartCard title="Tokens by day">
              {data ? (
                <UsageByDayChart
                  data={data.usageByDay}
                  metric="tokens"
                  workflowName={workflowName}
                />
              ) : (
                <Placeholder />
              )}
            </ChartCard>
          </div>
          {data ? <WorkflowTable rows={data.byWorkflow} /> : <Placeholder />}
          {data ? <TriggerTable rows={data.byTrigger} /> : <Placeholder />}
        </div>
      )}
    </>
  );
}

function Placeholder() {
  return <div className="h-full min-h-24 animate-pulse rounded-lg bg-muted" aria-label="Loading" />;
}
