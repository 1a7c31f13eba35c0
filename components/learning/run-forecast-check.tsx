"use client";

import { useQuery } from "@tanstack/react-query";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { cn } from "@/components/ui/cn";
import {
  compareWithForecast,
  describeForecast,
  describeStoredForecastBasis,
  formatRoughDuration,
  type ForecastLike,
} from "./format";

/** How long after a run ends its outcome (with the prediction kept for it) is surely stored. */
const OUTCOME_STORED_MS = 5_000;

/**
 * What was predicted for a finished run before it ran, next to what happened; set off as a
 * warning when the prediction turned out badly wrong (the duration outside its 80 % interval, or
 * an outcome it gave 20 % or less). Nothing shows for a run recorded before predictions were kept.
 */
export function RunForecastCheck({
  runId,
  finishedAt,
  draft = false,
}: {
  runId: string;
  finishedAt: number | null;
  /** A run of the workflow's draft: its forecast's own runs are the draft's, not a version's. */
  draft?: boolean;
}) {
  const trpc = useTRPC();
  const { can } = useMe();
  const outcome = useQuery({
    ...trpc.learning.outcome.queryOptions({ runId }),
    enabled: can("run.view"),
    // Stored a moment after the run ends: look again until it is there.
    refetchInterval: (query) =>
      query.state.data == null && finishedAt != null && Date.now() - finishedAt < OUTCOME_STORED_MS
        ? 1_000
        : false,
  });
  const forecast = outcome.data?.prediction as ForecastLike | null | undefined;
  if (!outcome.data || !forecast || forecast.basis === "none") return null;
  // The run as it was learned from: its duration and success measure.
  const took = outcome.data.latencyMs;
  const success = outcome.data.success;
  const check = compareWithForecast(forecast, { durationMs: took, success });
  const parts = describeForecast(forecast) ?? [];
  const basis = describeStoredForecastBasis(forecast, { draft });
  const ratio = check.durationRatio;
  const howLong =
    ratio === null
      ? null
      : ratio >= 1.5
        ? `${ratio.toFixed(ratio >= 10 ? 0 : 1)}× longer than predicted`
        : ratio <= 1 / 1.5
          ? `${(1 / ratio).toFixed(1)}× shorter than predicted`
          : "about as predicted";
  return (
    <section
      aria-labelledby="run-forecast-title"
      data-testid="run-forecast-check"
      data-badly-wrong={check.badlyWrong}
      className={cn(
        "mb-4 rounded-xl border px-4 py-3 text-sm",
        check.badlyWrong ? "border-amber-500/50 bg-amber-500/5" : "bg-card",
      )}
    >
      <h2 id="run-forecast-title" className="font-semibold">
        {check.badlyWrong ? "The prediction was far off" : "Predicted before it ran"}
      </h2>
      <dl className="mt-1 grid gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
        <dt className="text-muted-foreground">Predicted</dt>
        <dd>
          {parts.join(" · ")}
          {basis ? <span className="text-muted-foreground"> ({basis})</span> : null}
        </dd>
        <dt className="text-muted-foreground">What happened</dt>
        <dd>
          {success ? "Completed" : "Failed"} in {formatRoughDuration(took)}
          {howLong ? ` · ${howLong}` : null}
          {check.outside ? " · outside the usual range" : null}
          {check.surprise
            ? ` · the prediction gave this outcome ${Math.round((success ? forecast.success.probability : 1 - forecast.success.probability) * 100)} %`
            : null}
        </dd>
      </dl>
    </section>
  );
}
