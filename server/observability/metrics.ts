import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RunEvent } from "@/engine/schema/run-events";
import { CallSeries, type ScrapedMetric } from "./call-series";

interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  runsFinished: Counter<"status">;
  runDuration: Histogram<"status">;
  stepsFinished: Counter<"kind" | "status">;
  stepDuration: Histogram<"kind" | "status">;
  queueDepth: Gauge<"state">;
  trpcCalls: Counter<"procedure" | "type" | "code">;
  trpcDuration: Histogram<"procedure" | "type">;
  /** MCP tool calls: one counter and histogram pair written on every pool call (call-series.ts). */
  mcpCallSeries: CallSeries;
  mcpCalls: ScrapedMetric;
  mcpCallDuration: ScrapedMetric;
  mcpRestarts: Counter<"server">;
  mcpConnections: Gauge;
  mcpBreakers: Gauge<"state">;
  /** Set by the run system; read on each scrape. */
  readQueueDepth?: () => Promise<{ waiting: number; active: number }>;
  /** Set by the process's MCP pool and breaker registry; read on each scrape. */
  readMcpConnections?: () => number;
  readMcpBreakers?: () => Record<string, number>;
}

const globalForMetrics = globalThis as unknown as { appMetrics?: Metrics };

/** One registry per process, shared by every bundle (route handlers are bundled separately). */
export function getMetrics(): Metrics {
  if (!globalForMetrics.appMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const mcpCallSeries = new CallSeries({
      calls: {
        name: "maestro_mcp_calls_total",
        help: 'MCP tool calls, by server, tool and outcome ("ok", "tool_error" for a result with isError, or the failure code such as "timeout")',
      },
      duration: {
        name: "maestro_mcp_call_duration_seconds",
        help: "MCP tool call durations, connecting included, by server and tool",
        buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      },
    });
    mcpCallSeries.registerIn(registry);
    globalForMetrics.appMetrics = {
      registry,
      mcpCallSeries,
      mcpCalls: mcpCallSeries.calls,
      mcpCallDuration: mcpCallSeries.duration,
      httpRequests: new Counter({
        name: "http_requests_total",
        help: "HTTP requests answered, by method, route and status",
        labelNames: ["method", "route", "status"],
        registers: [registry],
      }),
      httpDuration: new Histogram({
        name: "http_request_duration_seconds",
        help: "Time to answer HTTP requests, by method, route and status",
        labelNames: ["method", "route", "status"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
      runsFinished: new Counter({
        name: "maestro_runs_finished_total",
        help: "Runs that ended (or paused for approval) in this process, by status",
        labelNames: ["status"],
        registers: [registry],
      }),
      runDuration: new Histogram({
        name: "maestro_run_duration_seconds",
        help: "Run durations, by how they ended",
        labelNames: ["status"],
        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
        registers: [registry],
      }),
      stepsFinished: new Counter({
        name: "maestro_steps_finished_total",
        help: "Steps that completed, failed or were skipped in this process, by node kind and status",
        labelNames: ["kind", "status"],
        registers: [registry],
      }),
      stepDuration: new Histogram({
        name: "maestro_step_duration_seconds",
        help: "Step durations, by node kind and status",
        labelNames: ["kind", "status"],
        buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
        registers: [registry],
      }),
      queueDepth: new Gauge({
        name: "maestro_run_queue_depth",
        help: "Runs waiting for a worker and runs being executed (in-process queue: this process; BullMQ: all)",
        labelNames: ["state"],
        registers: [registry],
        // prom-client calls this on every scrape, so the figures are fresh.
        async collect() {
          const depth = await globalForMetrics.appMetrics
            ?.readQueueDepth?.()
            .catch(() => undefined);
          if (!depth) return;
          this.set({ state: "waiting" }, depth.waiting);
          this.set({ state: "active" }, depth.active);
        },
      }),
      trpcCalls: new Counter({
        name: "maestro_trpc_calls_total",
        help: "tRPC procedure calls, by procedure, type (query, mutation, subscription) and result code",
        labelNames: ["procedure", "type", "code"],
        registers: [registry],
      }),
      trpcDuration: new Histogram({
        name: "maestro_trpc_call_duration_seconds",
        help: "tRPC procedure durations (a subscription: until its stream is set up), by procedure and type",
        labelNames: ["procedure", "type"],
        buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
        registers: [registry],
      }),
      mcpRestarts: new Counter({
        name: "maestro_mcp_restarts_total",
        help: "MCP server connections started again after the last one crashed or failed to start",
        labelNames: ["server"],
        registers: [registry],
      }),
      mcpConnections: new Gauge({
        name: "maestro_mcp_connections_open",
        help: "Open MCP server connections in this process",
        registers: [registry],
        collect() {
          const read = globalForMetrics.appMetrics?.readMcpConnections;
          if (read) this.set(read());
        },
      }),
      mcpBreakers: new Gauge({
        name: "maestro_mcp_breakers",
        help: "MCP circuit breakers opened by anomaly remediation, by state (open, half-open)",
        labelNames: ["state"],
        registers: [registry],
        collect() {
          const read = globalForMetrics.appMetrics?.readMcpBreakers;
          if (!read) return;
          this.reset();
          for (const [state, count] of Object.entries(read())) this.set({ state }, count);
        },
      }),
    };
  }
  return globalForMetrics.appMetrics;
}

/**
 * Wraps a route handler so every request is counted and timed. `route` is the pattern
 * ("/api/trpc"), never the concrete URL, to keep the label set small.
 */
export function withMetrics<Args extends unknown[]>(
  route: string,
  handler: (request: Request, ...rest: Args) => Promise<Response>,
) {
  return async (request: Request, ...rest: Args): Promise<Response> => {
    const { httpRequests, httpDuration } = getMetrics();
    const stop = httpDuration.startTimer();
    let status = 500;
    try {
      const response = await handler(request, ...rest);
      status = response.status;
      return response;
    } finally {
      const labels = { method: request.method, route, status: String(status) };
      httpRequests.inc(labels);
      stop(labels);
    }
  };
}

/** Where the run queue's depth is read from when Prometheus scrapes; set once the run system exists. */
export function reportQueueDepth(read: () => Promise<{ waiting: number; active: number }>): void {
  getMetrics().readQueueDepth = read;
}

/**
 * Counts and times runs and steps from their events. `kinds` remembers each step's node kind from
 * its step.started event (the ending events do not repeat it).
 */
export function observeRunEvent(event: RunEvent, kinds: Map<string, string>): void {
  const metrics = getMetrics();
  switch (event.type) {
    case "step.started":
      kinds.set(event.stepId, event.kind);
      break;
    case "step.completed":
    case "step.failed": {
      const labels = {
        kind: kinds.get(event.stepId) ?? "unknown",
        status: event.type === "step.completed" ? "completed" : "failed",
      };
      metrics.stepsFinished.inc(labels);
      metrics.stepDuration.observe(labels, event.durationMs / 1000);
      break;
    }
    case "step.skipped":
      metrics.stepsFinished.inc({ kind: kinds.get(event.stepId) ?? "unknown", status: "skipped" });
      break;
    case "run.completed":
    case "run.failed":
    case "run.cancelled":
    case "run.waiting": {
      const status = event.type.slice("run.".length);
      metrics.runsFinished.inc({ status });
      metrics.runDuration.observe({ status }, event.durationMs / 1000);
      break;
    }
    default:
      break;
  }
}

/** Where the open MCP connections and breaker states are read from when Prometheus scrapes. */
export function reportMcpState(read: {
  connections?: () => number;
  breakers?: () => Record<string, number>;
}): void {
  const metrics = getMetrics();
  if (read.connections) metrics.readMcpConnections = read.connections;
  if (read.breakers) metrics.readMcpBreakers = read.breakers;
}

/** Counts and times one MCP tool call; `outcome` is "ok", "tool_error" or a failure code. */
export function observeMcpCall(server: string, tool: string, outcome: string, seconds: number) {
  getMetrics().mcpCallSeries.observe(server, tool, outcome, seconds);
}

export function countMcpRestart(server: string): void {
  getMetrics().mcpRestarts.inc({ server });
}

/** Counts and times one tRPC procedure call (a batch of several is counted per procedure). */
export function observeTrpcCall(procedure: string, type: string, code: string, seconds: number) {
  const metrics = getMetrics();
  metrics.trpcCalls.inc({ procedure, type, code });
  metrics.trpcDuration.observe({ procedure, type }, seconds);
}
