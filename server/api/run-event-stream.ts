import type { EventBus } from "@/server/events/bus";
import type { TenantContext } from "@/server/services/context";
import { followRun, type RunInbox } from "@/server/services/run-stream";

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
  options: {
    timeoutMs: number;
    signal: AbortSignal;
    headers: Record<string, string>;
    final: () => Promise<unknown>;
    /** Opened before the run started (see openRunInbox); closed here in any case. */
    inbox?: RunInbox;
  },
): Response {
  const encoder = new TextEncoder();
  const frame = (event: string, data: unknown, id?: number) =>
    encoder.encode(
      `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
    );
  // Stops following when the client goes away, whether the runtime aborts the request's signal or
  // cancels the stream: the bus subscription and the timer never outlive the reader.
  const gone = new AbortController();
  const onAbort = () => gone.abort();
  options.signal.addEventListener("abort", onAbort, { once: true });
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (chunk: Uint8Array) => {
        if (!gone.signal.aborted) controller.enqueue(chunk);
      };
      try {
        for await (const message of followRun(ctx, bus, runId, {
          timeoutMs: options.timeoutMs,
          signal: gone.signal,
          inbox: options.inbox,
        })) {
          send(frame(message.event.type, message.event, message.stored ? message.id : undefined));
        }
        if (!gone.signal.aborted) send(frame("run", await options.final()));
      } catch (error) {
        console.error(`Streaming run ${runId} failed:`, error);
        send(
          frame("error", {
            code: "INTERNAL_SERVER_ERROR",
            message: "The stream stopped; read the run at its link.",
          }),
        );
      } finally {
        options.signal.removeEventListener("abort", onAbort);
        try {
          controller.close();
        } catch {
          // the reader cancelled the stream: nothing is left to close
        }
      }
    },
    cancel() {
      gone.abort();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      ...options.headers,
      "content-type": "text/event-stream; charset=utf-8",
      "x-accel-buffering": "no",
    },
  });
}
