import type { Db } from "@/db/client";
import { addToRollups, type RollupDelta } from "./repositories/metric-rollups";
import { findWorkflowOfTenantSlug } from "./repositories/workflows";
import { evaluateTenant, type WatchDeps } from "./services/anomaly-watch";
import { binOf } from "./services/metric-recorder";

/** The demo workflow whose history shows a latency spike. */
const DEMO_WORKFLOW = "Welcome a new teammate";
const HOURS = 6;

/**
 * Demo figures for the anomaly views of a fresh embedded install: six hours of per-minute run
 * latencies of one demo workflow (around 0.8 s, a little noise) ending in a few minutes near 5 s,
 * then one real evaluation by the watcher, which opens the alert from those figures like any other.
 */
export async function seedDemoAnomalies(db: Db, watch: WatchDeps, now = Date.now()): Promise<void> {
  const row = await findWorkflowOfTenantSlug(db, "demo", DEMO_WORKFLOW);
  if (!row) return;
  const step = watch.bucketMs;
  const last = Math.floor(now / step) * step;
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const points = Math.floor((HOURS * 3_600_000) / step);
  const deltas: RollupDelta[] = [];
  for (let i = points; i >= 1; i--) {
    const isSpike = i <= 3;
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
      tenantId: row.tenantId,
      source: "workflow",
      subject: row.workflowId,
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
  await addToRollups(db, deltas);
  await evaluateTenant(watch, row.tenantId, last);
}
