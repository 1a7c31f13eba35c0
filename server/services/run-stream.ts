import { notFound } from "@/engine/errors";
import { TERMINAL_RUN_EVENTS, type RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import { findRun } from "@/server/repositories/runs";
import { listRunEvents } from "@/server/repositories/run-events";
import type { TenantContext } from "./context";
import { tenantRunsChannel, type PublishedRunEvent } from "./run-journal";

/**
 * What run.live sends a page: streamRunEvents, after checking that the run it names is this
 * tenant's (another tenant's run is NOT_FOUND, as everywhere, rather than an empty stream).
 */
export async function* liveRunEvents(
  ctx: TenantContext,
  bus: EventBus,
  options: { runId?: string; lastEventId?: number | null; signal?: AbortSignal },
): AsyncGenerator<PublishedRunEvent> {
  if (options.runId && !(await findRun(ctx.db, ctx.tenant.id, options.runId)))
    throw notFound("run", options.runId);
  yield* streamRunEvents(ctx, bus, options);
}

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
        const missed = await listRunEvents(ctx.db, {
          tenantId: ctx.tenant.id,
          runId: options.runId,
          afterId: lastSent,
          limit: 500,
        });
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

/** Events after which a run goes no further without a person: it ended, or it waits for an approval. */
const SETTLING_EVENTS = new Set<RunEvent["type"]>(TERMINAL_RUN_EVENTS);

/**
 * One run's events from its start until it ends or waits for an approval, the time runs out or
 * the signal aborts: what a waiting or streaming start (REST `wait`, webhooks, MCP tool calls)
 * sends or waits for. Reads the event stream the canvas reads, never polls the database.
 */
export async function* followRun(
  ctx: TenantContext,
  bus: EventBus,
  runId: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): AsyncGenerator<PublishedRunEvent> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), options.timeoutMs);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort);
  try {
    for await (const message of streamRunEvents(ctx, bus, { runId, signal: stop.signal })) {
      yield message;
      if (!SETTLING_EVENTS.has(message.event.type)) continue;
      // A run.waiting from the history may be an approval given since: follow on unless it still waits.
      if (
        message.event.type === "run.waiting" &&
        message.stored &&
        (await findRun(ctx.db, ctx.tenant.id, runId))?.status !== "waiting"
      )
        continue;
      return;
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Waits until a run ends (or waits for an approval), at most `timeoutMs`; answers the event that
 * settled it, or undefined when the time ran out first.
 */
export async function waitForRun(
  ctx: TenantContext,
  bus: EventBus,
  runId: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<RunEvent | undefined> {
  let last: RunEvent | undefined;
  for await (const message of followRun(ctx, bus, runId, options)) last = message.event;
  return last && SETTLING_EVENTS.has(last.type) ? last : undefined;
}
