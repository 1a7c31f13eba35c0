import { Dices } from "lucide-react";
import { formatDuration, formatNumber } from "@/components/shared/run-format";
import { describeStrategy, describeTaskClass, formatRating, formatSmallCost } from "./format";
import { IntervalBar } from "./interval-bar";
import type { TaskClassStats } from "./types";

const COLUMNS = [
  "Strategy",
  "Runs",
  "Success rate (95 % interval)",
  "Latency",
  "Tokens",
  "Cost",
  "Rating",
];

/**
 * Per class of task, every strategy tried: how often it succeeded (posterior mean and interval),
 * what it cost, how people rated it, and the one Thompson sampling would try next.
 */
export function StrategyTables({ classes }: { classes: TaskClassStats[] }) {
  return (
    <div className="space-y-4">
      {classes.map((c) => (
        <StrategyTable key={c.taskClass} stats={c} />
      ))}
    </div>
  );
}

function StrategyTable({ stats }: { stats: TaskClassStats }) {
  const title = describeTaskClass(stats.taskClass);
  return (
    <section
      className="overflow-x-auto rounded-xl border bg-card"
      aria-label={`Task class ${title}`}
      data-testid="task-class"
    >
      <table className="w-full text-sm">
        <caption className="px-4 pt-4 text-left">
          <span className="font-semibold">{title}</span>{" "}
          <code
            className="ml-1 rounded bg-muted px-1.5 py-0.5 font-mono text-xs text-muted-foreground"
            title="Task class key"
          >
            {stats.taskClass}
          </code>
          <span className="ml-2 text-xs text-muted-foreground">
            {formatNumber(stats.runs)} {stats.runs === 1 ? "run" : "runs"}
          </span>
        </caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            {COLUMNS.map((h, i) => (
              <th
                key={h}
                scope="col"
                className={
                  i === 0 || i === 2
                    ? "px-4 py-2 text-left font-medium"
                    : "px-4 py-2 text-right font-medium"
                }
              >
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y tabular-nums">
          {stats.strategies.map((s) => (
            <tr key={s.strategyId}>
              <th scope="row" className="px-4 py-2 text-left font-medium">
                <span className="inline-flex flex-wrap items-center gap-2">
                  <span title={s.strategyId}>{describeStrategy(s.strategyId)}</span>
                  {s.strategyId === stats.thompsonPick ? <NextPickBadge /> : null}
                </span>
              </th>
              <td className="px-4 py-2 text-right">{formatNumber(s.runs)}</td>
              <td className="px-4 py-2">
                <IntervalBar rate={s.successRate} />
              </td>
              <td className="px-4 py-2 text-right">{formatDuration(s.latencyMs)}</td>
              <td className="px-4 py-2 text-right">
                {s.tokens == null ? "—" : formatNumber(Math.round(s.tokens))}
              </td>
              <td className="px-4 py-2 text-right">
                {s.costUsd == null ? "—" : formatSmallCost(s.costUsd)}
              </td>
              <td className="px-4 py-2 text-right">{formatRating(s.rating)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NextPickBadge() {
  return (
    <span
      className="inline-flex h-5 items-center gap-1 rounded-full bg-primary/15 px-2 text-xs font-medium text-primary"
      title="Thompson sampling draws a plausible success rate for each strategy from what it has seen and tries the highest: this one now."
    >
      <Dices className="size-3" aria-hidden />
      next pick
    </span>
  );
}
