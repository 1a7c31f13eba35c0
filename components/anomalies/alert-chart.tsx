"use client";

import { useMemo } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { buildChartRows, MIN_CHART_POINTS, type ChartRow } from "./chart-data";
import { formatAxisValue, formatDateTime, formatValue, timeTickFormatter } from "./format";
import type { AlertSeries, SeriesUnit } from "./types";

const AXIS = { fontSize: 11, fill: "var(--muted-foreground)" };
const LINE = "var(--primary)";
const FLAGGED = "var(--danger)";
const FORECAST = "#8b5cf6";
const LEGEND_ORDER = ["value", "band", "flagged", "forecast", "forecastBand"];

/**
 * The alert's series as the watcher sees it: the expected band (shaded), the values (line), the
 * flagged points (red dots) and the forecast after the last point (dashed, with a lighter band).
 * Class names `alert-band`, `alert-series`, `alert-flagged` (each dot: `alert-flagged-point`),
 * `alert-forecast` and `alert-forecast-band` name the parts for tests and styles.
 */
export function AlertChart({
  series,
  startedAt,
  subjectLabel,
}: {
  series: AlertSeries;
  startedAt: Date;
  subjectLabel: string;
}) {
  const rows = useMemo(() => buildChartRows(series), [series]);
  const rowAt = useMemo(() => new Map(rows.map((r) => [r.at, r])), [rows]);
  const flagged = useMemo(
    () => series.flagged.map((f) => ({ at: f.at, flagged: f.value, reason: f.reason })),
    [series.flagged],
  );
  const first = rows[0]?.at ?? 0;
  const last = rows.at(-1)?.at ?? 0;
  const tickFormat = timeTickFormatter(last - first);
  const unit = series.unit;
  const title = `${series.label} · ${subjectLabel}`;

  return (
    <section className="rounded-xl border bg-card p-4" aria-labelledby="alert-chart-title">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="alert-chart-title" className="text-sm font-semibold">
          {title}
        </h2>
        <p className="text-xs text-muted-foreground">
          {series.points.length} points, one every {formatStep(series.stepMs)}
          {series.flagged.length ? ` · ${series.flagged.length} flagged` : ""}
          {series.forecast.length
            ? ` · forecast for the next ${formatStep(series.stepMs * series.forecast.length)}`
            : ""}
        </p>
      </div>
      {series.points.length < MIN_CHART_POINTS ? (
        <p
          className="flex h-40 items-center justify-center text-center text-sm text-muted-foreground"
          data-testid="alert-chart-empty"
        >
          Too few points to draw this series yet ({series.points.length}). The chart appears once
          the watcher has recorded {MIN_CHART_POINTS} or more.
        </p>
      ) : (
        <figure
          data-testid="alert-chart"
          aria-label="Series chart with expected band"
          className="h-80"
        >
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart
              data={rows}
              accessibilityLayer
              margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            >
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
              <XAxis
                dataKey="at"
                type="number"
                scale="time"
                domain={["dataMin", "dataMax"]}
                tick={AXIS}
                tickFormatter={tickFormat}
                minTickGap={32}
              />
              <YAxis
                tick={AXIS}
                width={64}
                tickFormatter={(v: number) => formatAxisValue(unit, v)}
                domain={["auto", "auto"]}
              />
              {/* The row by the hovered time: the flagged dots' own data would not line up with an index. */}
              <Tooltip
                content={({ active, label }) => (
                  <SeriesTooltip
                    isActive={Boolean(active)}
                    row={rowAt.get(Number(label))}
                    unit={unit}
                  />
                )}
              />
              {/* In the order drawn (legend items are sorted by name otherwise). */}
              <Legend
                wrapperStyle={{ fontSize: 12 }}
                itemSorter={(item) => LEGEND_ORDER.indexOf(String(item.dataKey))}
              />
              <Area
                className="alert-band"
                dataKey="band"
                name="Expected band"
                type="monotone"
                stroke="none"
                fill={LINE}
                fillOpacity={0.15}
                legendType="square"
                isAnimationActive={false}
                activeDot={false}
              />
              <Area
                className="alert-forecast-band"
                dataKey="forecastBand"
                name="Forecast band"
                type="monotone"
                stroke="none"
                fill={FORECAST}
                fillOpacity={0.1}
                legendType="square"
                isAnimationActive={false}
                activeDot={false}
              />
              <Line
                className="alert-series"
                dataKey="value"
                name={series.label}
                type="linear"
                stroke={LINE}
                strokeWidth={1.5}
                dot={false}
                isAnimationActive={false}
              />
              <Line
                className="alert-forecast"
                dataKey="forecast"
                name="Forecast"
                type="monotone"
                stroke={FORECAST}
                strokeWidth={1.5}
                strokeDasharray="6 4"
                dot={false}
                isAnimationActive={false}
              />
              <Scatter
                className="alert-flagged"
                data={flagged}
                dataKey="flagged"
                name="Flagged"
                fill={FLAGGED}
                shape={FlaggedDot}
                isAnimationActive={false}
              />
              <ReferenceLine
                x={startedAt.getTime()}
                stroke={FLAGGED}
                strokeDasharray="2 3"
                ifOverflow="discard"
                label={{
                  value: "Started",
                  position: "insideTopLeft",
                  fontSize: 11,
                  fill: "var(--muted-foreground)",
                }}
              />
            </ComposedChart>
          </ResponsiveContainer>
        </figure>
      )}
    </section>
  );
}

function FlaggedDot({ cx, cy }: { cx?: number; cy?: number }) {
  if (cx == null || cy == null) return <g />;
  return (
    <circle
      className="alert-flagged-point"
      cx={cx}
      cy={cy}
      r={4}
      fill={FLAGGED}
      stroke="var(--card)"
      strokeWidth={1.5}
    />
  );
}

function SeriesTooltip({
  isActive,
  row,
  unit,
}: {
  isActive: boolean;
  row: ChartRow | undefined;
  unit: SeriesUnit;
}) {
  if (!isActive || !row) return null;
  const format = (v: number) => formatValue(unit, v);
  return (
    <div className="rounded-lg border bg-card px-3 py-2 text-xs shadow-sm">
      <p className="mb-1 font-medium">{formatDateTime(row.at)}</p>
      {row.value !== undefined ? <p>Value: {format(row.value)}</p> : null}
      {row.band ? (
        <p className="text-muted-foreground">
          Expected: {format(row.band[0])} – {format(row.band[1])}
        </p>
      ) : null}
      {row.forecast !== undefined && row.value === undefined ? (
        <p>Forecast: {format(row.forecast)}</p>
      ) : null}
      {row.forecastBand && row.value === undefined ? (
        <p className="text-muted-foreground">
          Likely: {format(row.forecastBand[0])} – {format(row.forecastBand[1])}
        </p>
      ) : null}
      {row.flaggedReason ? (
        <p className="mt-1 max-w-64 text-danger">Flagged: {row.flaggedReason}</p>
      ) : null}
    </div>
  );
}

/** "minute", "5 min", "hour", "30 h", "7 days": a step or a span of steps. */
function formatStep(ms: number): string {
  if (ms === 60_000) return "minute";
  if (ms === 3_600_000) return "hour";
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}
