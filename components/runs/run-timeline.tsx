"use client";

import { useEffect, useState } from "react";
import { cn } from "@/components/ui/cn";
import { formatDuration, STATUS_STYLES } from "@/components/shared/run-format";
import type { StepView } from "./ordered-steps";
import { timelineBars } from "./timeline-bars";

/** Re-renders every `ms` while `active`, so running bars grow. */
function useNow(active: boolean, ms = 500) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}

/** A Gantt chart: one bar per step from its start to its end (or now, while it runs). */
export function RunTimeline({
  steps,
  reusedBefore,
  isLive,
  selected,
  onSelect,
}: {
  steps: StepView[];
  /** A retry's creation time: the steps it reused from the failed run finished before it. */
  reusedBefore: number | null;
  isLive: boolean;
  selected: string | null;
  onSelect: (stepId: string) => void;
}) {
  const now = useNow(isLive);
  const chart = timelineBars(steps, { reusedBefore, now, isLive });
  if (!chart) {
    return (
      <p className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground">
        No step has started yet.
      </p>
    );
  }

  return (
    <div role="group" aria-label="Timeline" className="space-y-1.5">
      {steps.map((step, i) => {
        const bar = chart.bars[i]!;
        const timing = bar.reused
          ? ", reused from the run this one retries"
          : bar.durationMs != null
            ? `, ${formatDuration(bar.durationMs)}`
            : "";
        return (
          <button
            key={step.stepId}
            type="button"
            onClick={() => onSelect(step.stepId)}
            aria-label={`${step.label}: ${step.status}${timing}`}
            className={cn(
              "grid w-full grid-cols-[10rem_1fr] items-center gap-3 rounded-md px-2 py-1 text-left text-xs hover:bg-muted",
              selected === step.stepId && "bg-muted",
            )}
          >
            <span className="truncate">{step.label}</span>
            <span className="relative h-4 rounded bg-muted/60">
              {bar.reused ? (
                <span className="absolute inset-y-0 left-1 flex items-center text-[11px] text-muted-foreground">
                  reused from the retried run
                </span>
              ) : step.startedAt != null ? (
                <span
                  className={cn("absolute inset-y-0 rounded", STATUS_STYLES[step.status].bar)}
                  style={{ left: `${bar.left}%`, width: `${bar.width}%` }}
                />
              ) : null}
            </span>
          </button>
        );
      })}
      <div className="grid grid-cols-[10rem_1fr] gap-3 px-2 text-[11px] text-muted-foreground">
        <span />
        <span className="flex justify-between">
          <span>0</span>
          <span>{formatDuration(chart.spanMs)}</span>
        </span>
      </div>
    </div>
  );
}
