import type { StepView } from "./ordered-steps";

export interface TimelineBar {
  stepId: string;
  /** Where the bar starts and how wide it is, in percent of the run's span; null when not drawn. */
  left: number;
  width: number;
  durationMs: number | null;
  /** A step this run took over finished from the run it retries: not part of this run's time. */
  reused: boolean;
}

/**
 * The Gantt chart's geometry. The span starts at this run's first step: a retry's steps copied
 * from the failed run (finished before `reusedBefore`, the retry's creation) are marked reused and
 * left out of it, so a 150 ms retry is not drawn twelve minutes wide.
 */
export function timelineBars(
  steps: StepView[],
  options: { reusedBefore: number | null; now: number; isLive: boolean },
): { bars: TimelineBar[]; spanMs: number } | null {
  const reused = (s: StepView) =>
    options.reusedBefore != null && s.finishedAt != null && s.finishedAt <= options.reusedBefore;
  const own = steps.filter((s) => s.startedAt != null && !reused(s));
  const anyStarted = steps.some((s) => s.startedAt != null);
  if (!anyStarted) return null;
  const origin = own.length
    ? Math.min(...own.map((s) => s.startedAt!))
    : (options.reusedBefore ?? 0);
  const finishOf = (s: StepView) => s.finishedAt ?? (options.isLive ? options.now : s.startedAt!);
  const end = Math.max(origin + 1, ...own.map(finishOf));
  const span = end - origin;
  const bars = steps.map((step): TimelineBar => {
    if (step.startedAt == null)
      return { stepId: step.stepId, left: 0, width: 0, durationMs: null, reused: false };
    const durationMs = finishOf(step) - step.startedAt;
    if (reused(step)) return { stepId: step.stepId, left: 0, width: 0, durationMs, reused: true };
    return {
      stepId: step.stepId,
      left: ((step.startedAt - origin) / span) * 100,
      width: Math.max((durationMs / span) * 100, 0.8),
      durationMs,
      reused: false,
    };
  });
  return { bars, spanMs: span };
}
