import type { RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import { listRunEvents } from "@/server/repositories/runs";
import type { TenantContext } from "./context";
import { tenantRunsChannel, type PublishedRunEvent } from "./run-events-sink";

/**
 * A tenant's run events as they happen (optionally of one run), for live pages. A page that
 * reconnects passes the id of the last event it saw and first gets what it missed from the
 * database; a page that opens one run gets that run's history first. Live events that arrive
 * while the history is read are held, then sent without duplicates.
 */
export async function* streamRunEvents(
  ctx: TenantContext,
  bus: EventBus,
  options: { runId?: string; lastEventId?: number | null; signal?: AbortSignal },
): AsyncGenerator<PublishedRunEvent> {
  const pending: PublishedRunEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = await bus.subscribe(tenantRunsChannel(ctx.tenant.id), (message) => {
    const published = message as PublishedRunEvent;
    if (options.runId && published.runId !== options.runId) return;
    pending.push(published);
    wake?.();
  });
  const onAbort = () => wake?.();
  options.signal?.addEventListener("abort", onAbort);

  try {
    let lastSent = options.lastEventId ?? 0;
    if (options.lastEventId != null || options.runId) {
      for (;;) {
        const missed = await listRunEvents(ctx.db, { tenantId: ctx.tenant.id, runId: options.runId, afterId: lastSent, limit: 500 });
        for (const row of missed) {
          lastSent = row.id;
          yield { id: row.id, runId: row.runId, stored: true, event: row.payload as RunEvent };
        }
        if (missed.length < 500) break;
      }
    }
    while (!options.signal?.aborted) {
      const next = pending.shift();
      if (!next) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (next.stored && next.id <= lastSent) continue; // already sent from the history
      if (next.stored) lastSent = next.id;
      yield next;
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
