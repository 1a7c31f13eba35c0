"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCost, formatDuration, formatNumber } from "@/components/shared/run-format";
import { NoData, SERIES } from "@/components/shared/chart-card";

const bucketFormats = {
  minute: new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" }),
  hour: new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "2-digit" }),
  day: new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" }),
};
const dayFormat = bucketFormats.day;

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
const GRID = <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />;

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Every bucket start in the window, so empty minutes and hours show as gaps rather than vanish.
 * The database truncates in its session time zone (UTC), as epoch-aligned flooring does here.
 */
function bucketStarts(bucket: keyof typeof BUCKET_MS, since: Date, until: Date): number[] {
  const size = BUCKET_MS[bucket];
  const starts: number[] = [];
  for (let t = Math.floor(since.getTime() / size) * size; t <= until.getTime(); t += size)
    starts.push(t);
  return starts;
}

export function RunsOverTimeChart({
  data,
  bucket,
  since,
  until,
}: {
  data: { bucket: Date; runs: number; completed: number; failed: number }[];
  bucket: keyof typeof bucketFormats;
  since: Date;
  until: Date;
}) {
  if (data.length === 0) return <NoData />;
  const byStart = new Map(data.map((d) => [d.bucket.getTime(), d]));
  const rows = bucketStarts(bucket, since, until).map((start) => {
    const d = byStart.get(start);
    return {
      label: bucketFormats[bucket].format(new Date(start)),
      completed: d?.completed ?? 0,
      failed: d?.failed ?? 0,
      other: d ? d.runs - d.completed - d.failed : 0,
    };
  });
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} accessibilityLayer maxBarSize={48}>
        {GRID}
        <XAxis dataKey="label" tick={AXIS} />
        <YAxis allowDecimals={false} tick={AXIS} width={32} />
        <Tooltip {...TOOLTIP} />
        <Legend {...LEGEND} />
        <Bar dataKey="completed" stackId="runs" fill="#10b981" name="Completed" />
        <Bar dataKey="failed" stackId="runs" fill="var(--danger)" name="Failed" />
        <Bar dataKey="other" stackId="runs" fill="var(--muted-foreground)" name="Other" />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function LatencyChart({
  data,
}: {
  data: { name: string; p50: number | null; p95: number | null; p99: number | null }[];
}) {
  const rows = data.filter((d) => d.p50 != null);
  if (rows.length === 0) return <NoData />;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} accessibilityLayer maxBarSize={48}>
        {GRID}
        <XAxis dataKey="name" tick={AXIS} />
        <YAxis tick={AXIS} width={64} tickFormatter={(v: number) => formatDuration(v)} />
        <Tooltip {...TOOLTIP} formatter={(v) => formatDuration(Number(v))} />
        <Legend {...LEGEND} />
        <Bar dataKey="p50" fill={SERIES[0]} name="p50" />
        <Bar dataKey="p95" fill={SERIES[2]} name="p95" />
        <Bar dataKey="p99" fill={SERIES[3]} name="p99" />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Cost or tokens per day, one stacked series per workflow. */
export function UsageByDayChart({
  data,
  metric,
  workflowName,
}: {
  data: { day: Date; workflowId: string; costUsd: number; tokens: number }[];
  metric: "costUsd" | "tokens";
  workflowName: (id: string) => string;
}) {
  if (!data.some((d) => d[metric] > 0))
    return (
      <NoData
        message={
          metric === "costUsd" ? "No cost recorded in this range." : "No tokens used in this range."
        }
      />
    );
  const ids = [...new Set(data.map((d) => d.workflowId))];
  const byDay = new Map<number, Record<string, number | string>>();
  for (const d of data) {
    const row = byDay.get(d.day.getTime()) ?? { label: dayFormat.format(d.day) };
    row[d.workflowId] = d[metric];
    byDay.set(d.day.getTime(), row);
  }
  const format = metric === "costUsd" ? formatCost : formatNumber;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={[...byDay.values()]} accessibilityLayer maxBarSize={48}>
        {GRID}
        <XAxis dataKey="label" tick={AXIS} />
        <YAxis tick={AXIS} width={64} tickFormatter={(v: number) => format(v)} />
        <Tooltip {...TOOLTIP} formatter={(v) => format(Number(v))} />
        <Legend {...LEGEND} />
        {ids.map((id, i) => (
          <Bar
            key={id}
            dataKey={id}
            stackId="usage"
            fill={SERIES[i % SERIES.length]}
            name={workflowName(id)}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
