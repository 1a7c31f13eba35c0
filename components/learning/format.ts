import { PATTERN_LABELS } from "@/components/autonomy/patterns";
import { formatDuration } from "@/components/runs/format";
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

export interface PredictionLike {
  successProbability: number;
  latencyMs: number | null;
  tokens: number | null;
  cost: number | null;
  /** `version`: runs of this workflow (of the version predicted, or of any version for a draft). */
  observations: { version?: number; classStrategy: number; pattern: number; global: number };
  basis: "version" | "class-strategy" | "pattern" | "global" | "prior";
}

const runs = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "run" : "runs"}`;

/**
 * What a run is expected to do, in one line; null when nothing has been learned yet.
 * @example describePrediction(p) // → "Expected: 82 % success (from 41 runs of similar tasks) · ~3.2 s · ~1,200 tokens · ~$0.004"
 */
export function describePrediction(prediction: PredictionLike): string | null {
  const { observations: seen } = prediction;
  const from =
    prediction.basis === "version"
      ? `from ${runs(seen.version ?? 0)} of this workflow`
      : prediction.basis === "class-strategy"
        ? `from ${runs(seen.classStrategy)} of similar tasks`
        : prediction.basis === "pattern"
          ? `from ${runs(seen.pattern)} with the same pattern`
          : prediction.basis === "global"
            ? `from ${runs(seen.global)} of other kinds`
            : null;
  if (!from) return null;
  const parts = [`Expected: ${formatPercent(prediction.successProbability)} success (${from})`];
  if (prediction.latencyMs != null) parts.push(`~${formatDuration(prediction.latencyMs)}`);
  if (prediction.tokens != null)
    parts.push(prediction.tokens < 0.5 ? "no tokens" : `~${roughly(prediction.tokens)} tokens`);
  if (prediction.cost != null)
    parts.push(prediction.cost === 0 ? "no cost" : `~${formatSmallCost(prediction.cost)}`);
  return parts.join(" · ");
}

export const NO_HISTORY_YET = "No history yet: the first runs of this kind teach the estimate";

/**
 * A Beta(1 + successes, 1 + failures) posterior's mean and approximate 95 % interval, as the server
 * reports strategies (experiments start from the uniform prior).
 */
export function armRate(successes: number, runs: number): RateInterval {
  return credibleInterval({ alpha: 1 + successes, beta: 1 + runs - successes });
}
