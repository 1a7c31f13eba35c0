"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ErrorBar,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { NoData, SERIES } from "@/components/shared/chart-card";
import { formatInterval, formatPercent } from "./format";
import type { RateInterval } from "./types";

export interface RateBar {
  name: string;
  rate: RateInterval;
  runs: number;
}

const AXIS = { fontSize: 11, fill: "var(--muted-foreground)" };

/**
 * Success rates as bars (the posterior mean) with their 95 % credible intervals as error bars, so
 * a rate from three runs visibly means less than one from three hundred.
 */
export function RateChart({
  bars,
  label,
  emptyMessage,
}: {
  bars: RateBar[];
  label: string;
  emptyMessage: string;
}) {
  if (bars.length === 0) return <NoData message={emptyMessage} />;
  const rows = bars.map((b) => ({
    ...b,
    mean: b.rate.mean,
    error: [b.rate.mean - b.rate.low, b.rate.high - b.rate.mean],
  }));
  return (
    <figure className="h-full" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={rows}
          accessibilityLayer
          maxBarSize={56}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="name" tick={AXIS} interval={0} />
          <YAxis
            tick={AXIS}
            width={52}
            domain={[0, 1]}
            ticks={[0, 0.25, 0.5, 0.75, 1]}
            tickFormatter={(v: number) => `${Math.round(v * 100)} %`}
          />
          <Tooltip
            cursor={{ fill: "var(--muted)" }}
            content={({ active, payload }) => (
              <RateTooltip
                isActive={Boolean(active)}
                row={payload?.[0]?.payload as RateBar | undefined}
              />
            )}
          />
          <Bar dataKey="mean" name="Success rate" isAnimationActive={false}>
            {rows.map((row, i) => (
              <Cell key={row.name} fill={SERIES[i % SERIES.length]} fillOpacity={0.75} />
            ))}
            <ErrorBar
              dataKey="error"
              width={8}
              strokeWidth={1.5}
              stroke="var(--foreground)"
              direction="y"
              isAnimationActive={false}
            />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">
        {bars
          .map(
            (b) =>
              `${b.name}: ${formatPercent(b.rate.mean)} success (95 % interval ${formatInterval(b.rate)}) over ${b.runs} runs.`,
          )
          .join(" ")}
      </figcaption>
    </figure>
  );
}

function RateTooltip({ isActive, row }: { isActive: boolean; row: RateBar | undefined }) {
  if (!isActive || !row) return null;
  return (
    <div className="rounded-lg border bg-card px-3 py-2 text-xs shadow-sm">
      <p className="mb-1 font-medium">{row.name}</p>
      <p>
        {formatPercent(row.rate.mean)} success{" "}
        <span className="text-muted-foreground">(95 % interval {formatInterval(row.rate)})</span>
      </p>
      <p className="text-muted-foreground">
        {row.runs} {row.runs === 1 ? "run" : "runs"}
      </p>
    </div>
  );
}
