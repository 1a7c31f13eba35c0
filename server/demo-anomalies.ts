import type { Db } from "@/db/client";
import { addToRollups, type RollupDelta } from "./repositories/metric-rollups";
import { findWorkflowOfTenantSlug } from "./repositories/workflows";
import { evaluateTenant, type WatchDeps } from "./services/anomaly-watch";
import { binOf } from "./services/metric-recorder";

/** The demo workflow whose history shows a latency spike. */
const DEMO_WORKFLOW = "Welcome a new teammate";
const HOURS = 6;

/** How many of the last minutes of the demo's latency history are the spike. */
export const DEMO_SPIKE_MINUTES = 3;

/**
 * The demo's latency history as rollup figures: six hours of per-minute run latencies of one
 * workflow (around 0.8 s, a little noise, two to four runs a minute) ending in the last
 * DEMO_SPIKE_MINUTES minutes near 5 s; oldest first, the last bucket starting `last - step`.
 */
export function demoAnomalyDeltas(
  subject: { tenantId: string; workflowId: string },
  step: number,
  last: number,
): RollupDelta[] {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const points = Math.floor((HOURS * 3_600_000) / step);
  const deltas: RollupDelta[] = [];
  for (let i = points; i >= 1; i--) {
    const isSpike = i <= DEMO_SPIKE_MINUTES;
    const count = 2 + Math.floor(random() * 3);
    const hist: number[] = [];
    let durationMs = 0;
    for (let k = 0; k < count; k++) {
      const value = isSpike ? 4_500 + random() * 1_500 : 650 + random() * 300;
      durationMs += value;
      const bin = binOf(value);
      while (hist.length <= bin) hist.push(0);
      hist[bin]!++;
    }
    deltas.push({
      tenantId: subject.tenantId,
      source: "workflow",
      subject: subject.workflowId,
      bucketStart: new Date(last - i * step),
      count,
      errors: 0,
      durationMs,
      tokens: 0,
      costUsd: 0,
      gaugeMax: 0,
      hist,
    });
  }
  return deltas;
}

/**
 * Demo figures for the anomaly views of a fresh embedded install (`demoAnomalyDeltas`), then one
 * real evaluation by the watcher, which opens the alert from those figures like any other.
 * bench:anomaly scores the same figures as part of its recorded set.
 */
export async function seedDemoAnomalies(db: Db, watch: WatchDeps, now = Date.now()): Promise<void> {
  const row = await findWorkflowOfTenantSlug(db, "demo", DEMO_WORKFLOW);
  if (!row) return;
  const step = watch.bucketMs;
  const last = Math.floor(now / step) * step;
  await addToRollups(db, demoAnomalyDeltas(row, step, last));
  await evaluateTenant(watch, row.tenantId, last);
}
