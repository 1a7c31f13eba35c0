import { formatDuration } from "@/components/shared/run-format";
import type { EvaluatedItem, EvaluatorResult } from "@/engine/evaluation";

/** Mirrors db/schema EVALUATION_STATUSES (components may not import db/). */
export const EVALUATION_STATUSES = [
  "queued",
  "running",
  "completed",
  "cancelled",
  "failed",
] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** An interval as engine/evaluation's intervals.ts gives it. */
export type ScoreInterval = { mean: number; low: number; high: number; n: number; level: number };

export function isActiveEvaluation(status: EvaluationStatus): boolean {
  return status === "queued" || status === "running";
}

/**
 * A score in [0, 1] with two decimals; "—" when there is none.
 * @example formatScore(0.8333) // → "0.83"
 */
export function formatScore(score: number | null | undefined): string {
  return score == null || Number.isNaN(score) ? "—" : score.toFixed(2);
}

/**
 * The 95% interval as "0.71–0.95"; empty without one.
 * @example formatInterval({ mean: 0.8, low: 0.712, high: 0.95, n: 20, level: 0.95 }) // → "0.71–0.95"
 */
export function formatInterval(interval: ScoreInterval | null | undefined): string {
  if (!interval) return "";
  return `${formatScore(Math.max(0, interval.low))}–${formatScore(Math.min(1, interval.high))}`;
}

/** "0.83 (95% CI 0.71–0.95)", or the score alone when there is no interval. */
export function formatScoreWithInterval(
  score: number | null | undefined,
  interval: ScoreInterval | null | undefined,
): string {
  const range = formatInterval(interval);
  return range && score != null
    ? `${formatScore(score)} (${Math.round((interval?.level ?? 0.95) * 100)}% CI ${range})`
    : formatScore(score);
}

const MINUS = "\u2212";
const signOf = (value: number) => (value > 0 ? "+" : value < 0 ? MINUS : "±");

/**
 * A number with its sign, as an interval's ends read: "+0.12", "−0.05".
 * @example formatSigned(-0.054) // → "−0.05"
 */
export function formatSigned(value: number, digits = 2): string {
  const text = Math.abs(value).toFixed(digits);
  return Number(text) === 0 ? `±${text}` : `${signOf(value)}${text}`;
}
const costFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 4,
});

/**
 * A signed difference as people read it: scores with two decimals, costs in dollars, durations in
 * ms or s; "—" when either side is missing.
 * @example formatDelta(-0.25, "score") // → "−0.25"
 */
export function formatDelta(
  delta: number | null | undefined,
  unit: "score" | "usd" | "ms",
): string {
  if (delta == null || Number.isNaN(delta)) return "—";
  const size = Math.abs(delta);
  const text =
    unit === "score"
      ? size.toFixed(2)
      : unit === "usd"
        ? costFormat.format(size)
        : formatDuration(size);
  if (unit === "score" && text === "0.00") return "±0.00";
  return `${signOf(delta)}${text}`;
}

/** A dollar amount or "—" when it is not known. */
export function formatUsd(usd: number | null | undefined): string {
  return usd == null ? "—" : costFormat.format(usd);
}

/** Which way a difference goes for the user: a higher score is better, a higher cost or latency worse. */
export function deltaTone(
  delta: number | null | undefined,
  higherIsBetter: boolean,
): "better" | "worse" | "same" {
  if (delta == null || Math.abs(delta) < 1e-12) return "same";
  return delta > 0 === higherIsBetter ? "better" : "worse";
}

/**
 * What an evaluation ran: "v3", "Draft", or "deleted version" when its version is gone.
 * @example versionLabel({ isDraft: false, workflowVersion: 3 }) // → "v3"
 */
export function versionLabel(evaluation: {
  isDraft: boolean;
  workflowVersion: number | null;
}): string {
  if (evaluation.isDraft) return "Draft";
  return evaluation.workflowVersion == null ? "deleted version" : `v${evaluation.workflowVersion}`;
}

/**
 * How often a page re-reads a running evaluation (all its items come back each time): every
 * second for a small dataset, less often as it grows, at most every 10 s (10,000 items).
 */
export function pollIntervalMs(totalItems: number): number {
  return Math.min(10_000, Math.max(1000, totalItems));
}

/** Items done of the total, and the share done in whole percent (for a progress bar). */
export function progressOf(finished: number, total: number): { label: string; percent: number } {
  const percent = total > 0 ? Math.min(100, Math.round((finished / total) * 100)) : 0;
  return { label: `${finished} / ${total}`, percent };
}

/** How long an evaluation took, or has been running (to `now`); null before it started. */
export function evaluationDurationMs(
  evaluation: { startedAt: Date | null; finishedAt: Date | null },
  now: number,
): number | null {
  if (!evaluation.startedAt) return null;
  return Math.max(0, (evaluation.finishedAt?.getTime() ?? now) - evaluation.startedAt.getTime());
}

/** An item fails when its run failed, it has no score, or its score is below the pass threshold. */
export function isFailingItem(
  item: { score: number | null; runError: string | null },
  passThreshold: number,
): boolean {
  return item.runError !== null || item.score === null || item.score < passThreshold;
}

/** One page of a list (pages count from 0) and how many pages there are; a page past the end shows the last. */
export function pageOf<T>(
  items: readonly T[],
  page: number,
  size: number,
): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const at = Math.min(Math.max(0, page), pages - 1);
  return { rows: items.slice(at * size, at * size + size), page: at, pages };
}

/** The two picked evaluations in order: the one started first is the base, the later one the candidate. */
export function orderForCompare<T extends { id: string; createdAt: Date }>(
  picked: readonly T[],
): { base: T; candidate: T } | null {
  if (picked.length !== 2) return null;
  const [a, b] = [...picked].sort(
    (x, y) => x.createdAt.getTime() - y.createdAt.getTime() || x.id.localeCompare(y.id),
  );
  return { base: a!, candidate: b! };
}

/** An evaluator's name for headers: its own name, else its id and kind. */
export function evaluatorLabel(evaluator: { id: string; name?: string; kind: string }): string {
  return (
    evaluator.name?.trim() ||
    (evaluator.id === evaluator.kind ? evaluator.kind : `${evaluator.id} (${evaluator.kind})`)
  );
}

/** A JSON value as one line for a table cell, cut to `max` characters. */
export function previewValue(value: unknown, max = 120): string {
  if (value === undefined || value === null) return "—";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A stored item as engine summarizeEvaluation reads it, for the summary shown while an evaluation runs. */
export function toEvaluatedItem(item: {
  itemId: string;
  results: unknown[];
  durationMs: number | null;
  costUsd: number | null;
  usage: { inputTokens: number; outputTokens: number } | null;
  runError: string | null;
}): EvaluatedItem {
  return {
    itemId: item.itemId,
    results: item.results as EvaluatorResult[],
    ...(item.durationMs === null ? {} : { durationMs: item.durationMs }),
    ...(item.costUsd === null ? {} : { costUsd: item.costUsd }),
    ...(item.usage === null ? {} : { usage: item.usage }),
    ...(item.runError === null ? {} : { runFailed: true }),
  };
}

/**
 * Tags typed as "a, b": trimmed, empty ones and repeats left out.
 * @example parseTags(" onboarding, edge case,,onboarding ") // → ["onboarding", "edge case"]
 */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}
