"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Brain } from "lucide-react";
import { useCallback } from "react";
import { ChartCard, Stat } from "@/components/shared/chart-card";
import { formatNumber } from "@/components/shared/run-format";
import { useRunsChanged } from "@/components/shared/use-runs-live";
import { useTRPC } from "@/components/trpc/react";
import { EmptyState, ErrorState, PageHeader, SkeletonRows } from "@/components/ui/states";
import { ExperimentList } from "./experiment-list";
import { ForecastAccuracy } from "./forecast-accuracy";
import { patternName } from "./format";
import { OutcomeList } from "./outcome-list";
import { PreferencesPanel } from "./preferences-panel";
import { RateChart } from "./rate-chart";
import { StrategyTables } from "./strategy-tables";

/** Outcomes are stored a couple of seconds after a run ends: refetch a little after that. */
const AFTER_FLUSH_MS = 3_000;

/**
 * What finished runs and edited proposals taught: totals, success per pattern, strategies per class
 * of task (with the one Thompson sampling tries next), preferences, recent outcomes and experiments.
 * Refetched as runs end.
 */
export function LearningPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery(trpc.learning.overview.queryOptions());
  // For names: outcomes and experiments carry workflow ids only.
  const workflows = useQuery(trpc.workflow.list.queryOptions({ limit: 100 }));
  const refresh = useCallback(() => {
    for (const key of [
      trpc.learning.overview.pathKey(),
      trpc.learning.outcomes.pathKey(),
      trpc.learning.experiments.pathKey(),
      trpc.learning.forecastAccuracy.pathKey(),
    ]) {
      void queryClient.invalidateQueries({ queryKey: key });
    }
  }, [queryClient, trpc]);
  useRunsChanged(refresh, AFTER_FLUSH_MS);

  const workflowList = (workflows.data?.items ?? []).map((w) => ({ id: w.id, name: w.name }));
  const workflowName = (id: string) => workflowList.find((w) => w.id === id)?.name;
  const data = overview.data;
  const strategies = data?.classes.reduce((n, c) => n + c.strategies.length, 0) ?? 0;

  return (
    <>
      <PageHeader
        title="Learning"
        description="What finished runs teach: which workflow patterns and models succeed for each kind of task, at what cost, and which version wins an experiment. The planner and run estimates use it."
      />
      <div className="space-y-8">
        {overview.isError ? (
          <ErrorState message={overview.error.message} onRetry={() => void overview.refetch()} />
        ) : (
          <div className="space-y-4" aria-busy={overview.isFetching}>
            <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
              <Stat
                label="Outcomes"
                value={data ? formatNumber(data.outcomes) : "…"}
                hint="finished runs learned from"
              />
              <Stat
                label="Task classes"
                value={data ? formatNumber(data.classes.length) : "…"}
                hint="kinds of task seen"
              />
              <Stat
                label="Strategies"
                value={data ? formatNumber(strategies) : "…"}
                hint="pattern and model pairs tried"
              />
              <Stat
                label="Edits learned"
                value={data ? formatNumber(data.preferences.counters.edits) : "…"}
                hint="published proposals"
              />
            </div>
            <ChartCard title="Success rate per pattern (95 % credible interval)">
              {data ? (
                <RateChart
                  label="Success rate per pattern"
                  emptyMessage="No outcomes yet: run a workflow and its pattern appears here."
                  bars={data.patterns.map((p) => ({
                    name: patternName(p.pattern),
                    rate: p.successRate,
                    runs: p.runs,
                  }))}
                />
              ) : (
                <div className="h-full animate-pulse rounded-lg bg-muted" aria-label="Loading" />
              )}
            </ChartCard>
            <section aria-labelledby="strategies-title">
              <h2 id="strategies-title" className="mb-1 text-lg font-semibold">
                Strategies by kind of task
              </h2>
              <p className="mb-3 text-sm text-muted-foreground">
                Runs are grouped by what their task needs and how it is shaped. The interval narrows
                as runs add up; “next pick” marks the strategy Thompson sampling would try next.
              </p>
              {!data ? (
                <SkeletonRows rows={2} />
              ) : data.classes.length === 0 ? (
                <EmptyState icon={Brain} title="Nothing learned yet">
                  <p className="max-w-md text-sm text-muted-foreground">
                    Each run that completes or fails adds to its kind of task here, a few seconds
                    after it ends.
                  </p>
                </EmptyState>
              ) : (
                <StrategyTables classes={data.classes} />
              )}
            </section>
            {data ? <PreferencesPanel preferences={data.preferences} /> : null}
          </div>
        )}
        <ForecastAccuracy />
        <ExperimentList workflows={workflowList} />
        <OutcomeList workflowName={workflowName} />
      </div>
    </>
  );
}
