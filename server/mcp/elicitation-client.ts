import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Protocol } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  ElicitationCompleteNotificationSchema,
  ErrorCode,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import {
  checkElicitationAnswer,
  ElicitationRefusedError,
  parseElicitationRequest,
  type ElicitHandler,
} from "./elicitation";

/** The request as it comes: its params are checked by parseElicitationRequest, in words. */
const LooseElicitRequestSchema = z.object({
  method: z.literal("elicitation/create"),
  params: z.unknown(),
});

/** What a client that can ask a person says at `initialize` (revision 2025-11-25). */
export const ELICITATION_CAPABILITIES = { elicitation: { form: {}, url: {} } } as const;

/** Why a URL-mode elicitation's wait ended without the person: the server said it is complete. */
export class ElicitationCompleted extends Error {
  override name = "ElicitationCompleted";
}

type TimeoutInfo = {
  timeoutId: ReturnType<typeof setTimeout>;
  startTime: number;
  timeout: number;
  maxTotalTimeout?: number;
  onTimeout: () => void;
};

/** A request's timer as it was before the first of the holds on it. */
type Hold = { count: number; since: number; onTimeout: () => void; maxTotalTimeout?: number };
const holds = new WeakMap<TimeoutInfo, Hold>();
const waitingForAPerson = () => {};

/**
 * Stops the request timers of `client` while a person answers, and restarts them (with the time
 * spent waiting taken off their total) when `release` is called. The 2025-11-25 elicitation names
 * no request it belongs to, so every request in flight on the client is held: a tool call waiting
 * for a person is not silent, it is waiting for us. A progress notification during the hold (a
 * server saying "waiting for you") restarts the SDK's timer: that timer does nothing until the
 * last hold on the request is released. Reaches the SDK's private timer table (pinned at 1.32.x;
 * elicitation.int.test.ts fails if it moves).
 */
export function holdRequestTimeouts(client: Client): () => void {
  const table = (client as unknown as { _timeoutInfo?: Map<number, TimeoutInfo> })._timeoutInfo;
  if (!table) return () => {};
  const held = new Map<number, TimeoutInfo>();
  for (const [id, info] of table) {
    let hold = holds.get(info);
    if (!hold) {
      clearTimeout(info.timeoutId);
      hold = {
        count: 0,
        since: Date.now(),
        onTimeout: info.onTimeout,
        ...(info.maxTotalTimeout === undefined ? {} : { maxTotalTimeout: info.maxTotalTimeout }),
      };
      info.onTimeout = waitingForAPerson;
      delete info.maxTotalTimeout; // checked by the SDK on progress, against the unmoved start
      holds.set(info, hold);
    }
    hold.count++;
    held.set(id, info);
  }
  return () => {
    for (const [id, info] of held) {
      const hold = holds.get(info);
      if (!hold || --hold.count > 0) continue;
      holds.delete(info);
      info.onTimeout = hold.onTimeout;
      if (hold.maxTotalTimeout !== undefined) info.maxTotalTimeout = hold.maxTotalTimeout;
      if (table.get(id) !== info) continue; // answered or cancelled meanwhile
      info.startTime += Date.now() - hold.since;
      clearTimeout(info.timeoutId);
      info.timeoutId = setTimeout(info.onTimeout, info.timeout);
    }
    held.clear();
  };
}

/**
 * Lets a 2025-11-25 client answer `elicitation/create`: the request is parsed (a refused one goes
 * back to the server as an InvalidParams error saying why), handed to `elicit`, and the answer is
 * checked against the request before it is sent. A URL-mode wait also ends, accepted, when the
 * server sends `notifications/elicitation/complete` for its elicitationId.
 * The client must have been made with ELICITATION_CAPABILITIES.
 */
export function answerElicitations(client: Client, elicit: ElicitHandler): void {
  const completions = new Map<string, AbortController>();
  const completedEarly = new Set<string>();
  client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => {
    const waiting = completions.get(n.params.elicitationId);
    if (waiting) waiting.abort(new ElicitationCompleted("completed"));
    else {
      // The SDK runs request handlers a tick after their message arrives, so a server that sends
      // the completion right behind its request can beat our wait to it: keep it for the request.
      completedEarly.add(n.params.elicitationId);
      if (completedEarly.size > 100) completedEarly.delete(completedEarly.values().next().value!);
    }
  });
  // Registered past Client's own wrapper, with a loose schema: the SDK's checks answer a refusal
  // as a page of zod issues, ours says in words what is refused and why.
  const register = Protocol.prototype.setRequestHandler.bind(client) as (
    schema: typeof LooseElicitRequestSchema,
    handler: Parameters<Client["setRequestHandler"]>[1],
  ) => void;
  register(LooseElicitRequestSchema, async (request, extra) => {
    let parsed;
    try {
      parsed = parseElicitationRequest(request.params);
    } catch (error) {
      if (error instanceof ElicitationRefusedError)
        throw new McpError(ErrorCode.InvalidParams, error.message);
      throw error;
    }
    const urlId = parsed.mode === "url" ? parsed.elicitationId : null;
    // Completed before we got to it: nothing is left for the person to do.
    if (urlId !== null && completedEarly.delete(urlId)) return { action: "accept" as const };
    const local = new AbortController();
    const forward = () => local.abort(extra.signal.reason);
    extra.signal.addEventListener("abort", forward, { once: true });
    if (urlId !== null) completions.set(urlId, local);
    const release = holdRequestTimeouts(client);
    try {
      const answer = await Promise.race([
        elicit(parsed, local.signal),
        new Promise<never>((_, reject) => {
          local.signal.addEventListener("abort", () => reject(local.signal.reason), { once: true });
        }),
      ]).catch((error: unknown) => {
        if (error instanceof ElicitationCompleted) return { action: "accept" as const };
        throw error;
      });
      const checked = checkElicitationAnswer(parsed, answer);
      if (!checked.ok)
        throw new McpError(
          ErrorCode.InternalError,
          `invalid answer: ${checked.problems.join("; ")}`,
        );
      return checked.answer;
    } catch (error) {
      if (error instanceof McpError) throw error;
      if (error instanceof ElicitationRefusedError)
        throw new McpError(ErrorCode.InvalidRequest, error.message);
      // The wait ended without an answer (the call was cancelled, something of ours failed):
      // the server hears a cancel, and nothing of our internals.
      return { action: "cancel" as const };
    } finally {
      release();
      extra.signal.removeEventListener("abort", forward);
      if (urlId !== null) completions.delete(urlId);
    }
  });
}
