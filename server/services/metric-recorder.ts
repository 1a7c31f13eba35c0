import type { Db } from "@/db/client";
import type { RollupSource } from "@/db/schema";
import { addToRollups, type RollupDelta } from "@/server/repositories/metric-rollups";
import { Batcher } from "./batcher";

/**
 * Histogram bins, eight per doubling (each about 9 % wide): bin i holds values in
 * [2^(i/8), 2^((i+1)/8)) ms, values under 1 ms in bin 0; 200 bins reach about 8 hours.
 */
export const HIST_BINS = 200;
const BINS_PER_OCTAVE = 8;
export const binOf = (value: number) =>
  Math.min(HIST_BINS - 1, Math.max(0, Math.floor(BINS_PER_OCTAVE * Math.log2(Math.max(1, value)))));
const binStart = (bin: number) => 2 ** (bin / BINS_PER_OCTAVE);

/** The q-quantile (0..1) of a histogram, interpolated inside its bin (log scale); null when empty. */
export function quantileOfHist(hist: readonly number[], q: number): number | null {
  const total = hist.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const target = q * total;
  let seen = 0;
  for (let bin = 0; bin < hist.length; bin++) {
    const n = hist[bin] ?? 0;
    if (n > 0 && seen + n >= target) {
      const within = Math.min(1, Math.max(0, (target - seen) / n));
      return binStart(bin) * 2 ** (within / BINS_PER_OCTAVE);
    }
    seen += n;
  }
  return binStart(hist.length);
}

export interface Observation {
  tenantId: string;
  source: RollupSource;
  subject: string;
  at: number;
  failed?: boolean;
  durationMs?: number;
  tokens?: number;
  costUsd?: number;
  /** A sampled gauge (queue depth): the bucket keeps its maximum, and it is not counted. */
  gauge?: number;
}

/**
 * Collects what runs, steps, MCP calls and the queue do and adds it, summed into per-minute
 * buckets, to `metric_rollups` every few seconds (one statement per flush). The anomaly watcher
 * reads those rollups, never the runs themselves. Losing a process loses at most one flush of
 * figures, never a run.
 */
export class MetricRecorder {
  private readonly batcher = new Batcher<Observation>({
    write: (observations) => addToRollups(this.db, this.sumByBucket(observations)),
    onError: (error, lost) =>
      console.error(
        `Metric rollups could not be stored (${lost.length} observations lost): ${error instanceof Error ? error.message : String(error)}`,
      ),
  });

  constructor(
    private readonly db: Db,
    readonly bucketMs = 60_000,
  ) {}

  bucketOf(at: number): number {
    return Math.floor(at / this.bucketMs) * this.bucketMs;
  }

  observe(o: Observation): void {
    this.batcher.add(o);
  }

  /** One delta per tenant, source, subject and bucket. */
  private sumByBucket(observations: Observation[]): RollupDelta[] {
    const deltas = new Map<string, RollupDelta>();
    for (const o of observations) {
      const bucket = this.bucketOf(o.at);
      const key = `${o.tenantId}\u0000${o.source}\u0000${o.subject}\u0000${bucket}`;
      let delta = deltas.get(key);
      if (!delta) {
        delta = {
          tenantId: o.tenantId,
          source: o.source,
          subject: o.subject,
          bucketStart: new Date(bucket),
          count: 0,
          errors: 0,
          durationMs: 0,
          tokens: 0,
          costUsd: 0,
          gaugeMax: 0,
          hist: [],
        };
        deltas.set(key, delta);
      }
      if (o.gauge !== undefined) {
        delta.gaugeMax = Math.max(delta.gaugeMax, o.gauge);
        continue;
      }
      delta.count++;
      if (o.failed) delta.errors++;
      delta.tokens += o.tokens ?? 0;
      delta.costUsd += o.costUsd ?? 0;
      if (o.durationMs !== undefined) {
        delta.durationMs += o.durationMs;
        const bin = binOf(o.durationMs);
        while (delta.hist.length <= bin) delta.hist.push(0);
        delta.hist[bin]!++;
      }
    }
    return [...deltas.values()];
  }

  /** Writes what was collected; concurrent calls share one write at a time. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  start(intervalMs = 5_000): void {
    this.batcher.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.batcher.close();
  }
}
