import type { Clock } from "./ports";

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error("Aborted");
}

/**
 * Wall-clock time through the global timer functions (no Node imports, so it runs in browsers too).
 * @example const clock = createRealClock(); await clock.sleep(100);
 */
export function createRealClock(): Clock {
  return {
    now: () => Date.now(),
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(abortReason(signal));
        const onAbort = () => {
          globalThis.clearTimeout(timer);
          reject(abortReason(signal as AbortSignal));
        };
        const timer = globalThis.setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}

export type FakeClock = Clock & {
  /** Moves time forward, firing due sleeps in order. */
  advance(ms: number): Promise<void>;
  /** Sleeps not yet due. */
  pendingTimers(): number;
};

type Timer = { due: number; order: number; resolve: () => void };

/**
 * Virtual time for tests. With `autoAdvance` (the default), whenever a sleep is pending and the
 * program has gone idle (nothing but timers left to wait for), time jumps to the next due sleep, so
 * a 30-second timeout takes no real time and tests never race a real timer.
 * @example const clock = createFakeClock(); // in a test: timeouts and backoff fire instantly
 */
export function createFakeClock(
  options: { start?: number; autoAdvance?: boolean } = {},
): FakeClock {
  let now = options.start ?? 1_700_000_000_000;
  let order = 0;
  let scheduled = false;
  const timers: Timer[] = [];

  const fireNext = () => {
    timers.sort((a, b) => a.due - b.due || a.order - b.order);
    const next = timers.shift();
    if (!next) return;
    now = Math.max(now, next.due);
    next.resolve();
  };
  // A macrotask runs only after every pending promise reaction, which is what "idle" means here.
  const scheduleAdvance = () => {
    if (scheduled || options.autoAdvance === false) return;
    scheduled = true;
    globalThis.setTimeout(() => {
      scheduled = false;
      fireNext();
      if (timers.length > 0) scheduleAdvance();
    }, 0);
  };

  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(abortReason(signal));
        const timer: Timer = {
          due: now + Math.max(0, ms),
          order: order++,
          resolve: () => resolve(),
        };
        const onAbort = () => {
          const at = timers.indexOf(timer);
          if (at >= 0) timers.splice(at, 1);
          reject(abortReason(signal as AbortSignal));
        };
        timer.resolve = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        timers.push(timer);
        scheduleAdvance();
      });
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        timers.sort((a, b) => a.due - b.due || a.order - b.order);
        const next = timers[0];
        if (!next || next.due > target) break;
        fireNext();
        await Promise.resolve();
      }
      now = target;
    },
    pendingTimers: () => timers.length,
  };
}
