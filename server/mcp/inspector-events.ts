import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { InspectorQuestion, QuestionOutcome } from "./inspector-questions";
import type { MessageDirection } from "./recording-transport";

/**
 * What an inspector session records and streams to the browser: every JSON-RPC message as a
 * history entry (a request is updated in place when its reply arrives, with the round trip's
 * duration), and the server's live signals (progress, log messages, stderr, resource updates, list
 * changes). Events carry increasing ids, so a browser that reconnects asks for what came after the
 * last one it saw.
 */

export type HistoryEntry = {
  seq: number;
  direction: MessageDirection;
  kind: "request" | "notification" | "response";
  method: string | null;
  rpcId: string | number | null;
  /** Epoch ms when the message went or came. */
  at: number;
  message: unknown;
  /** The answer to a request, once it came (ms: the round trip). */
  reply: { at: number; ms: number; message: unknown; isError: boolean } | null;
};

export type InspectorEventBody =
  | { type: "history"; entry: HistoryEntry }
  | {
      type: "progress";
      callId: string;
      progress: number;
      total: number | null;
      message: string | null;
    }
  | { type: "log"; level: string; logger: string | null; data: unknown }
  | { type: "stderr"; text: string }
  | { type: "resource-updated"; uri: string }
  | { type: "list-changed"; list: "tools" | "resources" | "prompts" }
  | { type: "closed"; reason: string }
  /** A server asks the person during a call (elicitation), and how that question ended. */
  | { type: "elicitation"; question: InspectorQuestion }
  | { type: "elicitation-ended"; questionId: string; outcome: QuestionOutcome };

export type InspectorEvent = InspectorEventBody & { id: number; at: number };

/** A message kept in the history is cut to this many characters of JSON (a read's full answer goes to its caller). */
export const HISTORY_MESSAGE_CHARS = 16_000;
const KEEP_EVENTS = 600;

/** The message, or a preview of it when its JSON is longer than the history keeps. */
export function keptMessage(message: unknown): unknown {
  const text = JSON.stringify(message) ?? "null";
  if (text.length <= HISTORY_MESSAGE_CHARS) return message;
  return { truncated: true, chars: text.length, preview: text.slice(0, HISTORY_MESSAGE_CHARS) };
}

type Waiter = () => void;

/** The session's event log: the last events in memory, and subscribers woken when one is added. */
export class InspectorEventLog {
  private readonly events: InspectorEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;
  private nextSeq = 1;
  /** Requests waiting for their reply, by direction and JSON-RPC id. */
  private readonly pending = new Map<string, HistoryEntry>();
  isEnded = false;

  private followers = 0;

  /** Event streams open now: a session someone watches is not idle. */
  get subscriberCount(): number {
    return this.followers;
  }

  push(body: InspectorEventBody): InspectorEvent {
    const event = { ...body, id: this.nextId++, at: Date.now() } as InspectorEvent;
    this.events.push(event);
    if (this.events.length > KEEP_EVENTS) this.events.splice(0, this.events.length - KEEP_EVENTS);
    for (const wake of this.waiters) wake();
    return event;
  }

  /** Records one JSON-RPC message: a new entry, or the reply filled into its request's entry. */
  recordMessage(direction: MessageDirection, message: JSONRPCMessage) {
    const now = Date.now();
    const raw = message as { id?: string | number; method?: string; error?: unknown };
    if (raw.method === undefined && raw.id !== undefined) {
      // A reply: to our request when it comes in, to the server's when it goes out.
      const key = `${direction === "in" ? "out" : "in"}:${raw.id}`;
      const request = this.pending.get(key);
      if (request) {
        this.pending.delete(key);
        request.reply = {
          at: now,
          ms: now - request.at,
          message: keptMessage(message),
          isError: raw.error !== undefined,
        };
        this.push({ type: "history", entry: { ...request } });
        return;
      }
    }
    const entry: HistoryEntry = {
      seq: this.nextSeq++,
      direction,
      kind:
        raw.method === undefined ? "response" : raw.id === undefined ? "notification" : "request",
      method: raw.method ?? null,
      rpcId: raw.id ?? null,
      at: now,
      message: keptMessage(message),
      reply: null,
    };
    if (entry.kind === "request") {
      this.pending.set(`${direction}:${raw.id}`, entry);
      if (this.pending.size > 1000) this.pending.delete(this.pending.keys().next().value!);
    }
    this.push({ type: "history", entry: { ...entry } });
  }

  /** Events after `afterId`, then each new one as it comes, until `signal` aborts or the log ends. */
  async *follow(afterId: number, signal?: AbortSignal): AsyncGenerator<InspectorEvent> {
    let last = afterId;
    this.followers += 1;
    try {
      while (!signal?.aborted) {
        const fresh = this.events.filter((e) => e.id > last);
        for (const event of fresh) {
          last = event.id;
          yield event;
        }
        if (this.isEnded) return;
        // An event pushed while the consumer held the last one (at the yield) woke nobody.
        if ((this.events.at(-1)?.id ?? 0) > last) continue;
        await new Promise<void>((resolve) => {
          const wake = () => {
            this.waiters.delete(wake);
            signal?.removeEventListener("abort", wake);
            resolve();
          };
          this.waiters.add(wake);
          signal?.addEventListener("abort", wake, { once: true });
        });
      }
    } finally {
      this.followers -= 1;
    }
  }

  end() {
    this.isEnded = true;
    for (const wake of this.waiters) wake();
  }
}
