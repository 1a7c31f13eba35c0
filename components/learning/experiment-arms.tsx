import { Trophy } from "lucide-react";
import type { ReactNode } from "react";
import { formatDuration, formatNumber } from "@/components/shared/run-format";
import { armRate, formatSmallCost } from "./format";
import { IntervalBar } from "./interval-bar";
import type { ExperimentDetail } from "./types";

/** The two arms side by side: runs, success rate (or mean score) with its interval, latency, cost, share of runs. */
export function ExperimentArms({ experiment }: { experiment: ExperimentDetail }) {
  // With an evaluator as the success measure, an arm's successes are the sum of its runs' scores.
  const scored = experiment.successMeasure.kind === "evaluator";
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {experiment.arms.map((arm, i) => {
        const share =
          experiment.assignment === "hash"
            ? i === 0
              ? experiment.split
              : 1 - experiment.split
            : null;
        const isWinner = experiment.result.winner === arm.id;
        return (
          <section
            key={arm.id}
            aria-label={`Arm ${arm.label}`}
            data-testid="experiment-arm"
            className="rounded-xl border bg-card p-4"
          >
            <div className="mb-3 flex items-center justify-between gap-2">
              <h2 className="font-semibold">
                <span className="text-muted-foreground">{i === 0 ? "A" : "B"} ·</span> {arm.label}
              </h2>
              {isWinner ? (
                <span className="inline-flex h-6 items-center gap-1 rounded-full bg-emerald-500/15 px-2 text-xs font-medium text-emerald-700 dark:text-emerald-400">
                  <Trophy className="size-3.5" aria-hidden />
                  winner
                </span>
              ) : null}
            </div>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm">
              <Item
                label="Runs"
                value={
                  scored
                    ? `${formatNumber(arm.runs)} (mean score ${arm.runs > 0 ? (arm.successes / arm.runs).toFixed(2) : "—"})`
                    : `${formatNumber(arm.runs)} (${formatNumber(arm.successes)} succeeded)`
                }
              />
              <Item
                label="Share of runs"
                value={share == null ? "by Thompson sampling" : `${Math.round(share * 100)} %`}
              />
              <Item
                label={scored ? "Score" : "Success rate"}
                value={
                  arm.runs > 0 ? (
                    <IntervalBar rate={armRate(arm.successes, arm.runs)} />
                  ) : (
                    <span className="text-muted-foreground">No runs yet</span>
                  )
                }
                wide
              />
              <Item label="Latency (mean)" value={formatDuration(arm.latencyMs)} />
              <Item
                label="Cost (mean)"
                value={arm.costUsd == null ? "—" : formatSmallCost(arm.costUsd)}
              />
            </dl>
          </section>
        );
      })}
    </div>
  );
}

function Item({ label, value, wide }: { label: string; value: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "col-span-2" : undefined}>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="tabular-nums">{value}</dd>
    </div>
  );
}
