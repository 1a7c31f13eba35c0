"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { NoData, SERIES } from "@/components/shared/chart-card";
import { formatCost, formatNumber } from "@/components/shared/run-format";

const AXIS = { fontSize: 11, fill: "var(--muted-foreground)" };
const TOOLTIP = {
  contentStyle: {
    background: "var(--card)",
    border: "1px solid var(--border)",
    borderRadius: 8,
    fontSize: 12,
  },
  labelStyle: { color: "var(--foreground)" },
  cursor: { fill: "var(--muted)" },
};
const LEGEND = { wrapperStyle: { fontSize: 12 } };
const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});

export interface UsageFigures {
  runs: number;
  steps: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedTokens: number;
  mcpCalls: number;
}

export type DayMetric = "tokens" | "runs";

/**
 * Per day: tokens in and out (stacked bars) with the day's cost as a line on its own axis, or
 * runs by outcome (stacked), for tenants whose runs use no model.
 */
export function UsageByDayChart({
  days,
  metric,
}: {
  days: (UsageFigures & { day: string; completed: number; failed: number })[];
  metric: DayMetric;
}) {
  if (!days.some((d) => d.runs > 0)) return <NoData />;
  const rows = days.map((d) => ({
    ...d,
    other: d.runs - d.completed - d.failed,
    label: dayFormat.format(new Date(`${d.day}T00:00:00Z`)),
  }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={rows} accessibilityLayer maxBarSize={40}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} minTickGap={12} />
        {metric === "tokens" ? (
          <>
            <YAxis
              yAxisId="tokens"
              tick={AXIS}
              width={56}
              tickFormatter={(v: number) => formatNumber(v)}
            />
            <YAxis
              yAxisId="cost"
              orientation="right"
              tick={AXIS}
              width={64}
              tickFormatter={(v: number) => formatCost(v)}
            />
          </>
        ) : (
          <YAxis yAxisId="runs" tick={AXIS} width={40} allowDecimals={false} />
        )}
        <Tooltip
          {...TOOLTIP}
          formatter={(value, name) =>
            name === "Cost" ? formatCost(Number(value)) : formatNumber(Number(value))
          }
        />
        <Legend {...LEGEND} />
        {metric === "tokens" ? (
          <>
            <Bar
              yAxisId="tokens"
              dataKey="inputTokens"
              stackId="tokens"
              fill={SERIES[0]}
              name="Tokens in"
            />
            <Bar
              yAxisId="tokens"
              dataKey="outputTokens"
              stackId="tokens"
              fill={SERIES[1]}
              name="Tokens out"
            />
            <Line
              yAxisId="cost"
              dataKey="costUsd"
              stroke={SERIES[2]}
              strokeWidth={2}
              dot={false}
              name="Cost"
              type="monotone"
            />
          </>
        ) : (
          <>
            <Bar
              yAxisId="runs"
              dataKey="completed"
              stackId="runs"
              fill="#10b981"
              name="Completed"
            />
            <Bar
              yAxisId="runs"
              dataKey="failed"
              stackId="runs"
              fill="var(--danger)"
              name="Failed"
            />
            <Bar
              yAxisId="runs"
              dataKey="other"
              stackId="runs"
              fill="var(--muted-foreground)"
              name="Other"
            />
          </>
        )}
      </ComposedChart>
    </ResponsiveContainer>
  );
}

export interface BreakdownRow extends UsageFigures {
  key: string;
  label: string;
}

/** Runs per group (workflow or member) as horizontal bars, busiest first. */
export function BreakdownChart({ rows }: { rows: BreakdownRow[] }) {
  if (rows.length === 0) return <NoData />;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart
        data={rows}
        layout="vertical"
        accessibilityLayer
        maxBarSize={28}
        margin={{ left: 8, right: 16 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" horizontal={false} />
        <XAxis type="number" allowDecimals={false} tick={AXIS} />
        <YAxis type="category" dataKey="label" tick={AXIS} width={140} />
        <Tooltip {...TOOLTIP} formatter={(value) => formatNumber(Number(value))} />
        <Bar dataKey="runs" fill={SERIES[0]} name="Runs" />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** The same groups as a table with every figure: what the chart shows, readable and exact. */
export function BreakdownTable({
  caption,
  nameHeader,
  rows,
}: {
  caption: string;
  nameHeader: string;
  rows: BreakdownRow[];
}) {
  const headers = [nameHeader, "Runs", "Steps", "Tokens in", "Tokens out", "Cost", "MCP calls"];
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            {headers.map((h, i) => (
              <th
                key={h}
                scope="col"
                className={
                  i === 0 ? "px-3 py-2 text-left font-medium" : "px-3 py-2 text-right font-medium"
                }
              >
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y tabular-nums">
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row" className="max-w-56 truncate px-3 py-2 text-left font-normal">
                {row.label}
              </th>
              <td className="px-3 py-2 text-right">{formatNumber(row.runs)}</td>
              <td className="px-3 py-2 text-right">{formatNumber(row.steps)}</td>
              <td className="px-3 py-2 text-right">{formatNumber(row.inputTokens)}</td>
              <td className="px-3 py-2 text-right">{formatNumber(row.outputTokens)}</td>
              <td className="px-3 py-2 text-right">
                {formatCost(row.costUsd, row.unpricedTokens)}
              </td>
              <td className="px-3 py-2 text-right">{formatNumber(row.mcpCalls)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
