import type { EvaluationSummary } from "@/engine/evaluation";
import { formatDuration, formatNumber } from "@/components/shared/run-format";
import { evaluatorLabel, formatScore, formatScoreWithInterval, formatUsd } from "./format";

export type EvaluatorInfo = { id: string; name?: string; kind: string };

/** An evaluation's figures: the score with its 95% interval, pass rate, each evaluator's mean, tokens, cost and latency. */
export function EvaluationSummaryView({
  summary,
  evaluators,
  isPartial,
}: {
  summary: EvaluationSummary;
  evaluators: EvaluatorInfo[];
  isPartial: boolean;
}) {
  const names = new Map(evaluators.map((e) => [e.id, evaluatorLabel(e)]));
  return (
    <section aria-labelledby="summary-title" className="mb-6 rounded-xl border bg-card p-4">
      <h2 id="summary-title" className="mb-3 text-sm font-semibold">
        Summary
        {isPartial ? (
          <span className="ml-2 font-normal text-muted-foreground">
            (so far, over the items finished)
          </span>
        ) : null}
      </h2>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
        <Figure
          label="Score (95% interval)"
          value={formatScoreWithInterval(summary.score, summary.interval)}
          testId="evaluation-score"
        />
        <Figure
          label={`Passed (score ≥ ${formatScore(summary.passThreshold)})`}
          value={
            summary.passRate === null
              ? "—"
              : `${summary.passedItems} / ${summary.scoredItems} (${Math.round(summary.passRate * 100)}%)`
          }
        />
        <Figure label="Failed runs" value={formatNumber(summary.failedRuns)} />
        <Figure
          label="Tokens"
          value={formatNumber(summary.tokens.inputTokens + summary.tokens.outputTokens)}
        />
        <Figure
          label="Cost"
          value={
            summary.costUsd
              ? `${formatUsd(summary.costUsd.total)} (${formatUsd(summary.costUsd.mean)} per item)`
              : "unknown"
          }
          title={
            summary.costUsd && summary.costUsd.count < summary.items
              ? `Known for ${summary.costUsd.count} of ${summary.items} items`
              : undefined
          }
        />
        <Figure
          label="Duration per item (p50 / p95)"
          value={
            summary.durationMs
              ? `${formatDuration(summary.durationMs.p50)} / ${formatDuration(summary.durationMs.p95)}`
              : "—"
          }
        />
      </dl>
      {summary.byEvaluator.length ? (
        <table className="mt-4 w-full text-left text-sm" aria-label="Scores by evaluator">
          <thead className="text-xs uppercase text-muted-foreground">
            <tr>
              <th className="py-1 pr-4 font-medium">Evaluator</th>
              <th className="py-1 pr-4 text-right font-medium">Mean</th>
              <th className="py-1 pr-4 text-right font-medium">Scored</th>
              <th className="py-1 font-medium">Could not score</th>
            </tr>
          </thead>
          <tbody>
            {summary.byEvaluator.map((entry) => (
              <tr key={entry.evaluatorId} className="border-t">
                <td className="py-1.5 pr-4">
                  {names.get(entry.evaluatorId) ??
                    evaluatorLabel({ id: entry.evaluatorId, kind: entry.kind })}
                </td>
                <td className="py-1.5 pr-4 text-right tabular-nums font-medium">
                  {formatScore(entry.mean)}
                </td>
                <td className="py-1.5 pr-4 text-right tabular-nums">{entry.scored}</td>
                <td className="py-1.5 text-muted-foreground">
                  {entry.errored ? (
                    <span className="text-danger">
                      {entry.errored} item{entry.errored === 1 ? "" : "s"}
                      {entry.firstError ? `: ${entry.firstError}` : ""}
                    </span>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {summary.unscoredItemIds.length ? (
        <p className="mt-3 text-xs text-muted-foreground">
          {summary.unscoredItemIds.length} item
          {summary.unscoredItemIds.length === 1 ? " has" : "s have"} no score (every evaluator
          failed on it) and {summary.unscoredItemIds.length === 1 ? "is" : "are"} left out of the
          score.
        </p>
      ) : null}
    </section>
  );
}

function Figure({
  label,
  value,
  title,
  testId,
}: {
  label: string;
  value: string;
  title?: string;
  testId?: string;
}) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="tabular-nums font-medium" title={title} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
