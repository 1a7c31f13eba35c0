import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
}

const globalForMetrics = globalThis as unknown as { appMetrics?: Metrics };

/** One registry per process, shared by every bundle (route handlers are bundled separately). */
export function getMetrics(): Metrics {
  if (!globalForMetrics.appMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    globalForMetrics.appMetrics = {
      registry,
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
