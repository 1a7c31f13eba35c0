import type { RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import { listRunEvents } from "@/server/repositories/runs";
import type { TenantContext } from "./context";
import { tenantRunsChannel, type PublishedRunEvent } from "./run-journal";

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
    // Ids of events sent from the history: the same events may also arrive live, and are skipped.
    // (Ids are not compared: with several workers, a lower id can be published after a higher one.)
    const sentFromHistory = new Set<number>();
    if (options.lastEventId != null || options.runId) {
      let lastSent = options.lastEventId ?? 0;
      for (;;) {
        const missed = await listRunEvents(ctx.db, { tenantId: ctx.tenant.id, runId: options.runId, afterId: lastSent, limit: 500 });
        for (const row of missed) {
          lastSent = row.id;
          sentFromHistory.add(row.id);
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
      if (next.stored && sentFromHistory.delete(next.id)) continue; // already sent from the history
      yield next;
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
