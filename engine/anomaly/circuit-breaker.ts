/**
 * A circuit breaker as a pure state machine: the caller passes the time in, so it runs the same
 * under a fake clock in tests and needs no timers.
 *
 *   closed ──(N consecutive failures, or forceOpen: an anomalous error rate)──▶ open
 *   open ──(cool-down over: canCall lets up to `halfOpenProbes` probe calls through)──▶ half-open
 *   half-open ──(every probe succeeds)──▶ closed        half-open ──(a probe fails)──▶ open
 */

export type CircuitStatus = "closed" | "open" | "half-open";

/** Everything the breaker knows, as plain data: store it, send it, and pass it back to resume. */
export type CircuitBreakerState = {
  status: CircuitStatus;
  consecutiveFailures: number;
  /** When it last opened (or went half-open), unixMs. */
  since: number | null;
  reason: string | null;
  /** Probe calls let through in this half-open spell, and how many have succeeded. */
  probesStarted: number;
  probesSucceeded: number;
};

export type CircuitBreakerOptions = {
  /** Consecutive failures that open a closed breaker (default 5). */
  failureThreshold: number;
  /** How long it stays open before letting probes through (default 30 s). */
  coolDownMs: number;
  /** Probe calls allowed while half-open; all must succeed to close (default 1). */
  halfOpenProbes: number;
};

export type CircuitBreaker = {
  /** The status as of the last call; an open breaker turns half-open only when `canCall` is asked. */
  readonly state: CircuitStatus;
  /** May a call be made now? While half-open, each `true` takes one of the probe slots. */
  canCall(now: number): boolean;
  recordSuccess(now: number): void;
  recordFailure(now: number): void;
  forceOpen(now: number, reason: string): void;
  reset(): void;
  snapshot(): CircuitBreakerState;
};

const DEFAULTS: CircuitBreakerOptions = {
  failureThreshold: 5,
  coolDownMs: 30_000,
  halfOpenProbes: 1,
};

const closedState = (): CircuitBreakerState => ({
  status: "closed",
  consecutiveFailures: 0,
  since: null,
  reason: null,
  probesStarted: 0,
  probesSucceeded: 0,
});

/**
 * Creates a breaker, closed or resumed from a snapshot.
 * @example
 * const breaker = createCircuitBreaker({ coolDownMs: 10_000 });
 * breaker.forceOpen(now, "error rate 34% is 9.1 deviations above its moving average");
 * breaker.canCall(now + 1_000); // false
 * breaker.canCall(now + 10_000); // true: a probe (half-open)
 * breaker.recordSuccess(now + 10_200); // closed again
 */
export function createCircuitBreaker(
  options: Partial<CircuitBreakerOptions> = {},
  resumeFrom?: CircuitBreakerState,
): CircuitBreaker {
  const settings = { ...DEFAULTS, ...options };
  let state: CircuitBreakerState = resumeFrom ? { ...resumeFrom } : closedState();

  const open = (now: number, reason: string) => {
    state = { ...closedState(), status: "open", since: now, reason };
  };

  return {
    get state() {
      return state.status;
    },
    canCall(now) {
      if (state.status === "closed") return true;
      // A half-open spell whose probes never reported back (a hung call) starts over after another
      // cool-down, or the breaker would stay shut for good.
      const cooledDown = now - (state.since ?? now) >= settings.coolDownMs;
      if (cooledDown)
        state = { ...state, status: "half-open", since: now, probesStarted: 0, probesSucceeded: 0 };
      if (state.status === "open") return false;
      if (state.probesStarted >= settings.halfOpenProbes) return false;
      state = { ...state, probesStarted: state.probesStarted + 1 };
      return true;
    },
    recordSuccess() {
      if (state.status === "closed") {
        state = { ...state, consecutiveFailures: 0 };
      } else if (state.status === "half-open") {
        const probesSucceeded = state.probesSucceeded + 1;
        state =
          probesSucceeded >= settings.halfOpenProbes
            ? closedState()
            : { ...state, probesSucceeded };
      }
      // Open: a late answer from a call made before it opened changes nothing.
    },
    recordFailure(now) {
      // A failed probe re-opens it for the reason it first opened: that is what is still wrong.
      if (state.status === "half-open") return open(now, state.reason ?? "a probe call failed");
      if (state.status === "open") return;
      const consecutiveFailures = state.consecutiveFailures + 1;
      if (consecutiveFailures >= settings.failureThreshold)
        open(now, `${consecutiveFailures} consecutive failures`);
      else state = { ...state, consecutiveFailures };
    },
    forceOpen(now, reason) {
      open(now, reason);
    },
    reset() {
      state = closedState();
    },
    snapshot: () => ({ ...state }),
  };
}
