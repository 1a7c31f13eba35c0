import { PATTERN_LABELS } from "@/components/autonomy";
import { PATTERNS, type Pattern } from "@/engine/autonomy/vocabulary";
import { credibleInterval } from "@/engine/learning/beta-math";
import type { RateInterval } from "./types";

// The codes engine/learning/outcome.ts#classifyTask writes into a task class.
const CAPABILITY_NAMES: Record<string, string> = {
  fetch: "Web pages",
  search: "Web search",
  files: "Files",
  code: "Code hosting",
  sqlite: "SQLite",
  sql: "SQL database",
  browser: "Browser",
  docs: "Documents",
  memory: "Memory",
  think: "Reasoning",
  test: "MCP testing",
};
const STRUCTURE_NAMES: Record<string, string> = {
  s: "splits into parts",
  i: "iterates",
  r: "routes",
  h: "hands off",
  q: "in sequence",
  p: "plans",
};

/**
 * A task class as people read it.
 * @example describeTaskClass("files+sqlite|q") // → "Files + SQLite · in sequence"
 * @example describeTaskClass("none|-") // → "Plain text"
 */
export function describeTaskClass(taskClass: string): string {
  const [capabilities = "", structure = "-"] = taskClass.split("|");
  const needs =
    capabilities === "none" || !capabilities
      ? "Plain text"
      : capabilities
          .split("+")
          .map((c) => CAPABILITY_NAMES[c] ?? c)
          .join(" + ");
  const shape =
    structure === "-" ? [] : [...structure].map((letter) => STRUCTURE_NAMES[letter] ?? letter);
  return [needs, shape.join(", ")].filter(Boolean).join(" · ");
}

export function patternName(pattern: string): string {
  return (PATTERNS as readonly string[]).includes(pattern)
    ? PATTERN_LABELS[pattern as Pattern].name
    : pattern;
}

/**
 * A strategy id ("<pattern>/<model>") as people read it.
 * @example describeStrategy("chain/gpt-4o") // → "Chain · gpt-4o"
 */
export function describeStrategy(strategyId: string): string {
  const slash = strategyId.indexOf("/");
  if (slash < 0) return patternName(strategyId);
  const model = strategyId.slice(slash + 1);
  return `${patternName(strategyId.slice(0, slash))} · ${model === "default" ? "default model" : model}`;
}

/** "82 %": a share in [0, 1], rounded to whole points (one decimal below 1 %). */
export function formatPercent(share: number): string {
  const points = share * 100;
  return `${points > 0 && points < 1 ? points.toFixed(1) : Math.round(points)} %`;
}

/** "70–91 %": the credible interval of a rate. */
export function formatInterval(rate: RateInterval): string {
  return `${Math.round(rate.low * 100)}–${Math.round(rate.high * 100)} %`;
}

/** Two significant digits for rough estimates: 1,234 → "1,200". */
function roughly(value: number): string {
  if (value < 10) return String(Math.round(value));
  return new Intl.NumberFormat("en-US", { maximumSignificantDigits: 2 }).format(value);
}

/** A small cost as people read it: "$0.004", "$0.12", "$3.40"; "$0" when nothing was spent. */
export function formatSmallCost(usd: number): string {
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${Number(usd.toPrecision(1))}`;
  return `$${usd.toFixed(2)}`;
}

/** The mean of a 1–5 rating: "4.2 / 5", or "—" when nobody rated. */
export function formatRating(rating: number | null): string {
  return rating == null ? "—" : `${rating.toFixed(1)} / 5`;
}

/** A run forecast as the server sends it (engine/learning/run-forecast.ts RunForecast). */
export interface ForecastLike {
  success: { probability: number; low: number; high: number };
  /** `point` is the figure said as "~" (absent in forecasts stored before it). */
  durationMs: { median: number; point?: number; low: number; high: number } | null;
  tokens: number | null;
  costUsd: number | null;
  basis: "version" | "workflow" | "similar" | "all" | "none";
  runs: { version: number; workflow: number; similar: number; all: number };
  /** The counts that are lower bounds (the server stopped counting at its cap). */
  runsAtLeast?: Partial<Record<"version" | "workflow" | "similar" | "all", boolean>>;
  /**
   * The counts that are of recent runs only (a stored forecast: the outcome recorder counts the
   * runs it read, server/services/learning-forecasts.ts StoredForecast).
   */
  runsRecent?: Partial<Record<"version" | "workflow" | "similar" | "all", boolean>>;
}

/** "1 run", "14 runs", for a count that is a lower bound "10,000+ runs", of recent runs only "40 recent runs". */
const runs = (n: number, atLeast = false, recent = false) =>
  `${n.toLocaleString("en-US")}${atLeast ? "+" : ""}${recent ? " recent" : ""} ${n === 1 && !atLeast ? "run" : "runs"}`;

/**
 * A rough duration, two significant figures: "750 ms", "1.2 s", "20 s", "2.5 min".
 * @example formatRoughDuration(20_300) // → "20 s"
 */
export function formatRoughDuration(ms: number): string {
  if (ms < 1000) return `${roughly(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toPrecision(2))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toPrecision(2))} min`;
  return `${Number((ms / 3_600_000).toPrecision(2))} h`;
}

/**
 * A duration forecast: the point forecast (the median in forecasts stored before it) and the 80 %
 * interval, one unit named once where they share it.
 * @example describeDurationForecast({ median: 20_300, low: 12_100, high: 31_000 }) // → "~20 s, usually 12–31 s"
 */
export function describeDurationForecast(d: {
  median: number;
  point?: number;
  low: number;
  high: number;
}) {
  const low = formatRoughDuration(d.low);
  const high = formatRoughDuration(d.high);
  const unit = (text: string) => text.slice(text.lastIndexOf(" "));
  const range =
    unit(low) === unit(high) ? `${low.slice(0, low.lastIndexOf(" "))}–${high}` : `${low}–${high}`;
  return `~${formatRoughDuration(d.point ?? d.median)}, usually ${range}`;
}

/**
 * Where a forecast comes from: "based on 14 runs of this version"; a count the server stopped at
 * its cap reads "10,000+ runs", a count of recent runs only "40 recent runs".
 * @example describeForecastBasis(f, { draft: true }) // → "based on 3 runs of this draft"
 */
export function describeForecastBasis(
  forecast: Pick<ForecastLike, "basis" | "runs" | "runsAtLeast" | "runsRecent">,
  options: { draft?: boolean } = {},
): string | null {
  const { runs: n, runsAtLeast: atLeast = {}, runsRecent: recent = {} } = forecast;
  switch (forecast.basis) {
    case "version":
      return `based on ${runs(n.version, atLeast.version, recent.version)} of this ${options.draft ? "draft" : "version"}`;
    case "workflow":
      return `based on ${runs(n.workflow, atLeast.workflow, recent.workflow)} of this workflow's earlier versions`;
    case "similar":
      return `based on ${runs(n.similar, atLeast.similar, recent.similar)} of similar tasks`;
    case "all":
      return `based on ${runs(n.all, atLeast.all, recent.all)} of other kinds of task`;
    default:
      return null;
  }
}

/**
 * Where a forecast kept with a run's outcome came from, as the run page says it: its counts are
 * of the runs the outcome recorder read, so one that may leave older runs out says "recent"
 * ("based on 40 recent runs of this version"). Those stored before the recorder said which
 * counts were exact (no `runsRecent`) say it of every count. A draft run's says "of this draft".
 * @example describeStoredForecastBasis({ basis: "version", runs: { version: 40, ... } }) // → "based on 40 recent runs of this version"
 */
export function describeStoredForecastBasis(
  forecast: Pick<ForecastLike, "basis" | "runs" | "runsRecent">,
  options: { draft?: boolean } = {},
): string | null {
  return describeForecastBasis(
    {
      basis: forecast.basis,
      runs: forecast.runs,
      runsRecent: forecast.runsRecent ?? {
        version: true,
        workflow: true,
        similar: true,
        all: true,
      },
    },
    options,
  );
}

/**
 * What a run is expected to do, as the parts of one line; null when nothing has been learned yet.
 * @example describeForecast(f) // → ["~20 s, usually 12–31 s", "82 % success (likely 70–91 %)", "~1,200 tokens", "~$0.004"]
 */
export function describeForecast(forecast: ForecastLike): string[] | null {
  if (forecast.basis === "none") return null;
  const parts: string[] = [];
  if (forecast.durationMs) parts.push(describeDurationForecast(forecast.durationMs));
  const { probability, low, high } = forecast.success;
  parts.push(
    `${formatPercent(probability)} success (likely ${Math.round(low * 100)}–${Math.round(high * 100)} %)`,
  );
  if (forecast.tokens != null)
    parts.push(forecast.tokens < 0.5 ? "no tokens" : `~${roughly(forecast.tokens)} tokens`);
  if (forecast.costUsd != null)
    parts.push(forecast.costUsd === 0 ? "no cost" : `~${formatSmallCost(forecast.costUsd)}`);
  return parts;
}

export const NO_HISTORY_YET = "No history yet: the first runs of this kind teach the estimate";

/**
 * How a finished run compared with what was predicted before it: how many times longer or
 * shorter than the median, whether it fell outside the 80 % interval, and whether the outcome
 * was a surprise (a failure predicted at 80 % success or more, or a success at 20 % or less).
 * @example compareWithForecast(f, { durationMs: 20_000, success: true }).durationRatio // → 26.8
 */
export function compareWithForecast(
  forecast: Pick<ForecastLike, "success" | "durationMs">,
  actual: { durationMs: number; success: boolean },
) {
  const d = forecast.durationMs;
  const outside = d ? actual.durationMs < d.low || actual.durationMs > d.high : false;
  const p = forecast.success.probability;
  const surprise = actual.success ? p <= 0.2 : p >= 0.8;
  return {
    durationRatio: d && d.median > 0 ? actual.durationMs / d.median : null,
    outside,
    surprise,
    badlyWrong: outside || surprise,
  };
}

/**
 * A Beta(1 + successes, 1 + failures) posterior's mean and approximate 95 % interval, as the server
 * reports strategies (experiments start from the uniform prior).
 */
export function armRate(successes: number, runs: number): RateInterval {
  return credibleInterval({ alpha: 1 + successes, beta: 1 + runs - successes });
}
