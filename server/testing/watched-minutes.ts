import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@/db/client";
import { createMemoryBus } from "@/server/events/bus";
import { BreakerRegistry } from "@/server/mcp/breakers";
import {
  addToRollups,
  type RollupDelta,
  type RollupRow,
} from "@/server/repositories/metric-rollups";
import { createWatcherMemory, type WatchDeps } from "@/server/services/anomaly-watch";
import { detectOn, findWatchedMetric, pointsOf } from "@/server/services/watched-series";

/** The anomaly watcher's tests, met as a user meets them: minutes of a workflow's runs arriving. */
export const MINUTE = 60_000;

/** One process's watcher over `db`, judging minutes, with its own memory unless `extra` gives one. */
export function minuteWatcher(db: Db, extra: Partial<WatchDeps> = {}): WatchDeps {
  return {
    db,
    bus: createMemoryBus(),
    breakers: new BreakerRegistry(),
    bucketMs: MINUTE,
    defaultMaxConcurrentRuns: 50,
    memory: createWatcherMemory(),
    ...extra,
  };
}

/**
 * A workflow's `minutes` minutes of runs for one tenant (`minute(i)`: how many, how many failed,
 * what they cost), ending 30 minutes ago; `addMinutes` writes some into the rollups as the
 * recorder would, and `judge(n)` runs the detectors on the first n, as the watcher's pass at
 * minute n judges them.
 */
export function minuteSeries(
  db: Db,
  tenantId: string,
  options: {
    metric: string;
    minutes: number;
    minute: (i: number) => Pick<RollupDelta, "count" | "errors" | "costUsd">;
  },
) {
  const subject = randomUUID(); // a workflow's id (one the tenant no longer has: labelled by its id)
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - (options.minutes + 30) * MINUTE;
  const at = (i: number) => start + i * MINUTE;
  const minute = (i: number): RollupDelta => ({
    tenantId,
    source: "workflow",
    subject,
    bucketStart: new Date(at(i)),
    durationMs: 0,
    tokens: 0,
    gaugeMax: 0,
    hist: [],
    ...options.minute(i),
  });
  const addMinutes = (from: number, to: number) =>
    addToRollups(
      db,
      Array.from({ length: to - from }, (_, k) => minute(from + k)),
    );
  const metric = findWatchedMetric(options.metric)!;
  const rows = Array.from({ length: options.minutes }, (_, i) => minute(i) as RollupRow);
  const judge = (n: number) =>
    detectOn(
      metric,
      pointsOf(metric, rows, MINUTE, at(0), at(n)),
      rows.slice(0, n),
      MINUTE,
      undefined,
    );
  return { subject, at, addMinutes, judge };
}

/**
 * A workflow's cost per run, 10 runs a minute: $0.010 with 5 % noise (a fixed seeded draw), 30 %
 * higher from minute `history` on, for `history + after` minutes: a level shift whose points each
 * stay inside the band.
 */
export function shiftedCostSeries(
  db: Db,
  tenantId: string,
  { history, after }: { history: number; after: number },
) {
  let seed = 4;
  const uniform = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  const costs = Array.from({ length: history + after }, (_, i) => {
    const noise = Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
    return 0.01 * (i >= history ? 1.3 : 1) * (1 + 0.05 * noise);
  });
  return minuteSeries(db, tenantId, {
    metric: "workflow.cost_per_run",
    minutes: history + after,
    minute: (i) => ({ count: 10, errors: 0, costUsd: costs[i]! * 10 }),
  });
}

/** A webhook receiver on loopback that answers 204 and hands each request's body to `onRequest`. */
export async function startWebhookReceiver(
  onRequest: (body: string, request: IncomingMessage) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      onRequest(body, req);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/maestro`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
