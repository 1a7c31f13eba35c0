"use client";

import { useEffect, useState } from "react";
import { cn } from "@/components/ui/cn";
import { formatDuration, STATUS_STYLES } from "./format";
import type { StepView } from "./ordered-steps";

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
  isLive,
  selected,
  onSelect,
}: {
  steps: StepView[];
  isLive: boolean;
  selected: string | null;
  onSelect: (stepId: string) => void;
}) {
  const now = useNow(isLive);
  const started = steps.flatMap((s) => (s.startedAt != null ? [s.startedAt] : []));
  if (started.length === 0) {
    return <p className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground">No step has started yet.</p>;
  }
  const origin = Math.min(...started);
  const end = Math.max(...steps.map((s) => s.finishedAt ?? (s.startedAt != null && isLive ? now : (s.startedAt ?? origin))), origin + 1);
  const span = end - origin;

  return (
    <div role="group" aria-label="Timeline" className="space-y-1.5">
      {steps.map((step) => {
        const start = step.startedAt;
        const finish = step.finishedAt ?? (isLive ? now : start);
        const left = start == null ? 0 : ((start - origin) / span) * 100;
        const width = start == null || finish == null ? 0 : Math.max(((finish - start) / span) * 100, 0.8);
        return (
          <button
            key={step.stepId}
            type="button"
            onClick={() => onSelect(step.stepId)}
            aria-label={`${step.label}: ${step.status}${start != null && finish != null ? `, ${formatDuration(finish - start)}` : ""}`}
            className={cn(
              "grid w-full grid-cols-[10rem_1fr] items-center gap-3 rounded-md px-2 py-1 text-left text-xs hover:bg-muted",
              selected === step.stepId && "bg-muted",
            )}
          >
            <span className="truncate">{step.label}</span>
            <span className="relative h-4 rounded bg-muted/60">
              {start != null ? (
                <span className={cn("absolute inset-y-0 rounded", STATUS_STYLES[step.status].bar)} style={{ left: `${left}%`, width: `${width}%` }} />
              ) : null}
            </span>
          </button>
        );
      })}
      <div className="grid grid-cols-[10rem_1fr] gap-3 px-2 text-[11px] text-muted-foreground">
        <span />
        <span className="flex justify-between">
          <span>0</span>
          <span>{formatDuration(span)}</span>
        </span>
      </div>
    </div>
  );
}
