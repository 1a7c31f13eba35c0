import type { EventBus } from "@/server/events/bus";
import type { TenantContext } from "@/server/services/context";
import { followRun } from "@/server/services/run-stream";

/**
 * A run's events as server-sent events (`event: <type>`, `data: <event>`, with the stored event's
 * id), from its start until it ends, the time runs out or the client goes away, then one
 * `event: run` whose data is `final()` (the finished run as the route reports it). For the
 * streaming answers of `POST /api/v1/runs` and webhooks.
 */
export function runEventStreamResponse(
  ctx: TenantContext,
  bus: EventBus,
  runId: string,
  options: { timeoutMs: number; signal: AbortSignal; headers: Record<string, string>; final: () => Promise<unknown> },
): Response {
  const encoder = new TextEncoder();
  const frame = (event: string, data: unknown, id?: number) =>
    encoder.encode(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        for await (const message of followRun(ctx, bus, runId, options)) {
          controller.enqueue(frame(message.event.type, message.event, message.stored ? message.id : undefined));
        }
        if (!options.signal.aborted) controller.enqueue(frame("run", await options.final()));
      } catch (error) {
        console.error(`Streaming run ${runId} failed:`, error);
        controller.enqueue(frame("error", { code: "INTERNAL_SERVER_ERROR", message: "The stream stopped; read the run at its link." }));
      } finally {
        controller.close();
      }
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { ...options.headers, "content-type": "text/event-stream; charset=utf-8", "x-accel-buffering": "no" },
  });
}
