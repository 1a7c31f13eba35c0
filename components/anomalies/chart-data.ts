import type { AlertSeries } from "./types";

/** One x position of the alert chart: any of the series, its band, a flagged mark and the forecast. */
export interface ChartRow {
  at: number;
  value?: number;
  /** The expected band, `[low, high]`: recharts draws an Area over an array key as a range. */
  band?: [number, number];
  expected?: number;
  /** Why a detector flagged this point (the tooltip shows it). */
  flaggedReason?: string;
  forecast?: number;
  forecastBand?: [number, number];
}

/** Fewer points than this make no line worth reading. */
export const MIN_CHART_POINTS = 3;

/**
 * The chart's rows, in time order: points, band and flags share their timestamps; the forecast
 * follows the last point. The last point also starts the forecast (with a zero-width band), so the
 * dashed line and its band continue the series rather than float after a gap.
 */
export function buildChartRows(
  series: Pick<AlertSeries, "points" | "band" | "flagged" | "forecast">,
): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  const rowAt = (at: number) => {
    let row = rows.get(at);
    if (!row) rows.set(at, (row = { at }));
    return row;
  };
  for (const [at, value] of series.points) rowAt(at).value = value;
  for (const b of series.band) {
    const row = rowAt(b.at);
    row.band = [Math.min(b.low, b.high), Math.max(b.low, b.high)];
    row.expected = b.expected;
  }
  for (const f of series.flagged) rowAt(f.at).flaggedReason = f.reason;
  // Points come in time order; the latest is looked up anyway, as a bad order would otherwise cut the forecast short.
  const last = series.points.reduce<[number, number] | undefined>(
    (latest, p) => (!latest || p[0] > latest[0] ? p : latest),
    undefined,
  );
  if (last && series.forecast.length > 0) {
    const row = rowAt(last[0]);
    row.forecast = last[1];
    row.forecastBand = [last[1], last[1]];
  }
  for (const f of series.forecast) {
    if (last && f.at <= last[0]) continue;
    const row = rowAt(f.at);
    row.forecast = f.value;
    row.forecastBand = [Math.min(f.low, f.high), Math.max(f.low, f.high)];
  }
  return [...rows.values()].sort((a, b) => a.at - b.at);
}
