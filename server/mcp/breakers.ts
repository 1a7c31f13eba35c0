import { createCircuitBreaker, type CircuitBreaker } from "@/engine/anomaly/circuit-breaker";
import { StepError } from "@/engine/runtime/step-error";
import { getEnv } from "@/server/env";
import type { EventBus } from "@/server/events/bus";
import { reportMcpState } from "@/server/observability/metrics";

/** Where breaker changes travel, so every process that runs steps opens and closes the same ones. */
export const BREAKERS_CHANNEL = "mcp-breakers";

interface BreakerMessage {
  action: "open" | "close";
  tenantId: string;
  server: string;
  /** Installation that takes the calls while open (the fallback-server rule), if any. */
  fallback?: string;
  reason?: string;
}

interface Entry {
  breaker: CircuitBreaker;
  fallback?: string;
  reason: string;
}

/** Where a call goes: the server asked for, or its fallback while the breaker is open. */
export interface Route {
  server: string;
  viaFallback: boolean;
}

/**
 * The circuit breakers on MCP servers that anomaly remediation opened, per tenant and
 * installation name. An open breaker fails calls at once with CIRCUIT_OPEN (or sends them to the
 * configured fallback server); after a cool-down it lets probe calls through (half-open), and
 * closes when they succeed. Only opened breakers exist: servers no alert touched are not tracked.
 */
export class BreakerRegistry {
  private readonly entries = new Map<string, Entry>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: { coolDownMs?: number; now?: () => number } = {}) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  private static key(tenantId: string, server: string) {
    return `${tenantId}\u0000${server}`;
  }

  /** Applies opens and closes published by any process (this one included). */
  async listen(bus: EventBus): Promise<void> {
    this.unsubscribe ??= await bus.subscribe(BREAKERS_CHANNEL, (message) =>
      this.apply(message as BreakerMessage),
    );
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  apply(message: BreakerMessage): void {
    const key = BreakerRegistry.key(message.tenantId, message.server);
    if (message.action === "close") {
      this.entries.delete(key);
      return;
    }
    const breaker = createCircuitBreaker({ coolDownMs: this.options.coolDownMs ?? 30_000 });
    breaker.forceOpen(this.now(), message.reason ?? "anomalous error rate");
    this.entries.set(key, {
      breaker,
      reason: message.reason ?? "anomalous error rate",
      ...(message.fallback ? { fallback: message.fallback } : {}),
    });
  }

  /** Opens (or closes) a breaker in every process. */
  async publish(bus: EventBus, message: BreakerMessage): Promise<void> {
    this.apply(message);
    await bus.publish(BREAKERS_CHANNEL, message);
  }

  /** How many breakers are in each state (open, half-open), for the metrics. */
  countByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries.values()) {
      const state = entry.breaker.state;
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return counts;
  }

  state(tenantId: string, server: string) {
    return this.entries.get(BreakerRegistry.key(tenantId, server))?.breaker.state ?? null;
  }

  /** Where a call to `server` goes now; throws CIRCUIT_OPEN when it may not be made. */
  route(tenantId: string, server: string): Route {
    const entry = this.entries.get(BreakerRegistry.key(tenantId, server));
    if (!entry || entry.breaker.canCall(this.now())) return { server, viaFallback: false };
    if (entry.fallback) return { server: entry.fallback, viaFallback: true };
    throw new StepError(
      "CIRCUIT_OPEN",
      `Calls to the MCP server "${server}" are paused by its circuit breaker (${entry.reason}); it is tried again shortly`,
      false,
    );
  }

  /** How a call that went through ended: probes close a half-open breaker or open it again. */
  record(tenantId: string, server: string, ok: boolean): void {
    const key = BreakerRegistry.key(tenantId, server);
    const entry = this.entries.get(key);
    if (!entry) return;
    if (ok) entry.breaker.recordSuccess(this.now());
    else entry.breaker.recordFailure(this.now());
    // Closed again after its probes: nothing left to track.
    if (entry.breaker.state === "closed") this.entries.delete(key);
  }
}

const globalForBreakers = globalThis as unknown as { mcpBreakers?: BreakerRegistry };

/** The process's breakers (one registry, shared by every tenant's tool ports). */
export function getBreakers(): BreakerRegistry {
  if (!globalForBreakers.mcpBreakers) {
    const registry = new BreakerRegistry({ coolDownMs: getEnv().anomaly.breakerCoolDownMs });
    globalForBreakers.mcpBreakers = registry;
    reportMcpState({ breakers: () => registry.countByState() });
  }
  return globalForBreakers.mcpBreakers;
}
