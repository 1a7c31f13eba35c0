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
 * A subscription to a tenant's live run events that holds what arrives until it is read. Opened
 * before a run is started (`openRunInbox`), it has every event of that run, so following the run
 * needs no read of its history.
 */
export class RunInbox {
  private pending: PublishedRunEvent[] = [];
  private runId: string | undefined;
  private wake: (() => void) | undefined;
  private unsubscribe: () => void = () => undefined;

  /** From now on (and among what is held), only this run's events. */
  only(runId: string | undefined): void {
    if (!runId) return;
    this.runId = runId;
    this.pending = this.pending.filter((message) => message.runId === runId);
  }

  /** The next event, or undefined once the signal aborts. */
  async next(signal: AbortSignal | undefined): Promise<PublishedRunEvent | undefined> {
    while (!signal?.aborted) {
      const next = this.pending.shift();
      if (next) return next;
      const onAbort = () => this.wake?.();
      signal?.addEventListener("abort", onAbort, { once: true });
      await new Promise<void>((resolve) => (this.wake = resolve));
      signal?.removeEventListener("abort", onAbort);
      this.wake = undefined;
    }
    return undefined;
  }

  close(): void {
    this.unsubscribe();
    this.pending = [];
  }

  static async open(bus: EventBus, tenantId: string): Promise<RunInbox> {
    const inbox = new RunInbox();
    inbox.unsubscribe = await bus.subscribe(tenantRunsChannel(tenantId), (message) => {
      const published = message as PublishedRunEvent;
      if (inbox.runId && published.runId !== inbox.runId) return;
      inbox.pending.push(published);
      inbox.wake?.();
    });
    return inbox;
  }
}

/**
 * Subscribes to a tenant's run events before starting a run that will be followed (a waiting or
 * streaming start): pass the inbox to `followRun` or `waitForRun` for the run it starts, unless
 * the start was a replay of an earlier run (whose events are history). Close it if the start fails.
 */
export const openRunInbox = (bus: EventBus, tenantId: string) => RunInbox.open(bus, tenantId);

/**
 * A tenant's run events as they happen (optionally of one run), for live pages. A page that
 * reconnects passes the id of the last event it saw and first gets what it missed from the
 * database; a page that opens one run gets that run's history first. Live events that arrive
 * while the history is read are held, then sent without duplicates. With an `inbox` opened before
 * the run started, there is no history to read.
 */
export async function* streamRunEvents(
  ctx: TenantContext,
  bus: EventBus,
  options: {
    runId?: string;
    lastEventId?: number | null;
    signal?: AbortSignal;
    inbox?: RunInbox;
  },
): AsyncGenerator<PublishedRunEvent> {
  const inbox = options.inbox ?? (await RunInbox.open(bus, ctx.tenant.id));
  inbox.only(options.runId);

  try {
    // Ids of events sent from the history: the same events may also arrive live, and are skipped.
    // (Ids are not compared: with several workers, a lower id can be published after a higher one.)
    const sentFromHistory = new Set<number>();
    if (!options.inbox && (options.lastEventId != null || options.runId)) {
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
    for (;;) {
      const next = await inbox.next(options.signal);
      if (!next) return;
      if (next.stored && sentFromHistory.delete(next.id)) continue; // already sent from the history
      yield next;
    }
  } finally {
    inbox.close();
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
  options: { timeoutMs: number; signal?: AbortSignal; inbox?: RunInbox },
): AsyncGenerator<PublishedRunEvent> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), options.timeoutMs);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort);
  try {
    const stream = streamRunEvents(ctx, bus, { runId, signal: stop.signal, inbox: options.inbox });
    for await (const message of stream) {
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
  options: { timeoutMs: number; signal?: AbortSignal; inbox?: RunInbox },
): Promise<RunEvent | undefined> {
  let last: RunEvent | undefined;
  for await (const message of followRun(ctx, bus, runId, options)) last = message.event;
  return last && SETTLING_EVENTS.has(last.type) ? last : undefined;
}
