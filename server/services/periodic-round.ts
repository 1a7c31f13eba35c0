import type { Db } from "@/db/client";
import { getDatabase } from "@/server/db";

const globalForRounds = globalThis as unknown as {
  maestroPeriodicRounds?: Map<string, () => void>;
};
const running = (globalForRounds.maestroPeriodicRounds ??= new Map());

/**
 * The skeleton of a background round (health probes, registry sync): a tick every `intervalMs`,
 * the first after `firstAfterMs` when given; an unref'd timer (it never keeps the process alive);
 * a tick never overlaps the one before; a failure is warned about once and never escapes to crash
 * the process. Starting a round under a `name` already running stops the old one first (Next may
 * load the boot module twice). Returns the function that stops it.
 */
export function startPeriodicRound(options: {
  name: string;
  intervalMs: number;
  firstAfterMs?: number;
  getDb?: () => Promise<{ db: Db }>;
  round: (db: Db) => Promise<unknown>;
}): () => void {
  running.get(options.name)?.();
  let isRunning = false;
  let hasWarned = false;
  const tick = async () => {
    if (isRunning) return;
    isRunning = true;
    try {
      const { db } = await (options.getDb ?? getDatabase)();
      await options.round(db);
    } catch (error) {
      if (!hasWarned)
        console.warn(
          `${options.name} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      hasWarned = true;
    } finally {
      isRunning = false;
    }
  };
  const first =
    options.firstAfterMs === undefined
      ? undefined
      : setTimeout(() => void tick(), options.firstAfterMs);
  first?.unref();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  const stop = () => {
    clearTimeout(first);
    clearInterval(timer);
    if (running.get(options.name) === stop) running.delete(options.name);
  };
  running.set(options.name, stop);
  return stop;
}
