"use client";

import { useQuery } from "@tanstack/react-query";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from "recharts";
import { ChartCard, NoData, SERIES, Stat } from "@/components/shared/chart-card";
import { useTRPC } from "@/components/trpc/react";
import { ErrorState } from "@/components/ui/states";
import { formatPercent } from "./format";

const AXIS = { fontSize: 11, fill: "var(--muted-foreground)" };
const percent = (v: number) => `${Math.round(v * 100)} %`;
const dayLabel = (day: Date | string) =>
  new Date(day).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

/**
 * How good the run predictions were, from the tenant's latest runs that had one: a calibration
 * chart (predicted success against the observed rate, in ten bins; on the diagonal is right) and
 * the errors per day (duration error, share of durations inside the 80 % interval, Brier score).
 */
export function ForecastAccuracy() {
  const trpc = useTRPC();
  const accuracy = useQuery(trpc.learning.forecastAccuracy.queryOptions());
  if (accuracy.isError)
    return <ErrorState message={accuracy.error.message} onRetry={() => void accuracy.refetch()} />;
  const data = accuracy.data;
  const empty = data?.overall.runs === 0;
  return (
    <section aria-labelledby="forecast-accuracy-title" className="space-y-3">
      <div>
        <h2 id="forecast-accuracy-title" className="text-lg font-semibold">
          How good the run estimates are
        </h2>
        <p className="text-sm text-muted-foreground">
          Each run&apos;s estimate is kept and compared with what happened
          {data ? ` (the latest ${data.overall.runs.toLocaleString("en-US")} runs)` : ""}.
        </p>
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat
          label="Calibration error"
          value={data && !empty ? formatPercent(data.calibrationError) : "—"}
          hint="predicted against observed success"
        />
        <Stat
          label="Brier score"
          value={data && !empty ? data.overall.brier.toFixed(3) : "—"}
          hint="0 is perfect, 0.25 a coin toss"
        />
        <Stat
          label="Duration error"
          value={
            data?.overall.durationMdape != null ? formatPercent(data.overall.durationMdape) : "—"
          }
          hint="median, of the predicted duration"
        />
        <Stat
          label="Inside the usual range"
          value={
            data?.overall.intervalCoverage != null
              ? formatPercent(data.overall.intervalCoverage)
              : "—"
          }
          hint="of durations (80 % is right)"
        />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <ChartCard title="Calibration: predicted success against what happened">
          {!data ? (
            <div className="h-full animate-pulse rounded-lg bg-muted" aria-label="Loading" />
          ) : empty ? (
            <NoData message="No estimates to check yet: they are kept from each run on." />
          ) : (
            <figure
              className="h-full"
              aria-label="Calibration chart"
              data-testid="calibration-chart"
            >
              <ResponsiveContainer width="100%" height="100%">
                <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                  <XAxis
                    type="number"
                    dataKey="predicted"
                    name="Predicted"
                    domain={[0, 1]}
                    ticks={[0, 0.25, 0.5, 0.75, 1]}
                    tickFormatter={percent}
                    tick={AXIS}
                  />
                  <YAxis
                    type="number"
                    dataKey="observed"
                    name="Observed"
                    domain={[0, 1]}
                    ticks={[0, 0.25, 0.5, 0.75, 1]}
                    tickFormatter={percent}
                    tick={AXIS}
                    width={48}
                  />
                  <ZAxis type="number" dataKey="runs" range={[40, 400]} name="Runs" />
                  <ReferenceLine
                    segment={[
                      { x: 0, y: 0 },
                      { x: 1, y: 1 },
                    ]}
                    stroke="var(--muted-foreground)"
                    strokeDasharray="4 4"
                  />
                  <Tooltip
                    formatter={(value, name) =>
                      name === "Runs" ? String(value) : percent(Number(value))
                    }
                  />
                  <Scatter data={data.calibration} fill={SERIES[0]} isAnimationActive={false} />
                </ScatterChart>
              </ResponsiveContainer>
            </figure>
          )}
        </ChartCard>
        <ChartCard title="Errors per day">
          {!data ? (
            <div className="h-full animate-pulse rounded-lg bg-muted" aria-label="Loading" />
          ) : empty ? (
            <NoData message="No estimates to check yet." />
          ) : (
            <figure
              className="h-full"
              aria-label="Errors per day"
              data-testid="forecast-errors-chart"
            >
              <ResponsiveContainer width="100%" height="100%">
                <LineChart
                  data={data.byDay.map((d) => ({ ...d, label: dayLabel(d.day) }))}
                  margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
                >
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
                  <XAxis dataKey="label" tick={AXIS} />
                  <YAxis tick={AXIS} width={48} tickFormatter={percent} domain={[0, "auto"]} />
                  <Tooltip
                    formatter={(value, name) =>
                      name === "Brier score" ? Number(value).toFixed(3) : percent(Number(value))
                    }
                  />
                  <Legend wrapperStyle={{ fontSize: 11 }} />
                  <Line
                    dataKey="durationMdape"
                    name="Duration error"
                    stroke={SERIES[0]}
                    dot={false}
                    isAnimationActive={false}
                  />
                  <Line
                    dataKey="intervalCoverage"
                    name="Inside the usual range"
                    stroke={SERIES[1]}
                    dot={false}
                    isAnimationActive={false}
                  />
                  <Line
                    dataKey="brier"
                    name="Brier score"
                    stroke={SERIES[2]}
                    dot={false}
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </figure>
          )}
        </ChartCard>
      </div>
    </section>
  );
}
