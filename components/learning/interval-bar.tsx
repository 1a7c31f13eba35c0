import { cn } from "@/components/ui/cn";
import { formatInterval, formatPercent } from "./format";
import type { RateInterval } from "./types";

/**
 * A success rate on a 0–100 % track: the credible interval as a band, the mean as a tick, with the
 * numbers beside it. Read out as one sentence.
 */
export function IntervalBar({ rate, className }: { rate: RateInterval; className?: string }) {
  const pct = (share: number) => `${Math.min(100, Math.max(0, share * 100))}%`;
  return (
    <span className={cn("inline-flex items-center gap-2", className)}>
      <span
        role="img"
        aria-label={`${formatPercent(rate.mean)} success, 95 % interval ${formatInterval(rate)}`}
        className="relative block h-2 w-24 shrink-0 rounded-full bg-muted"
      >
        <span
          className="absolute inset-y-0 rounded-full bg-primary/30"
          style={{ left: pct(rate.low), width: `calc(${pct(rate.high)} - ${pct(rate.low)})` }}
        />
        <span
          className="absolute -top-0.5 h-3 w-0.5 -translate-x-1/2 rounded bg-primary"
          style={{ left: pct(rate.mean) }}
        />
      </span>
      <span className="tabular-nums" aria-hidden>
        {formatPercent(rate.mean)}{" "}
        <span className="text-xs text-muted-foreground">({formatInterval(rate)})</span>
      </span>
    </span>
  );
}
