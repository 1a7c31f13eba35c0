import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { Agent, type Dispatcher } from "undici";

/**
 * Streams that may stay silent for as long as a server has nothing to say: a 2026-07-28
 * `subscriptions/listen` stream (modern-listen.ts), the GET stream a 2025 Streamable HTTP server
 * sends its own messages on, a legacy SSE session. Node's fetch (undici) ends a response body
 * that sends nothing for 300 s (its default `bodyTimeout`, "terminated" caused by
 * UND_ERR_BODY_TIMEOUT), so such a stream would be cut every five quiet minutes and opened again,
 * missing what the server sent in between. These requests go through a dispatcher without that
 * timeout; every other request keeps the default (a tool call has its own timeout, which restarts
 * on progress). A peer that vanishes is still noticed: undici keeps TCP keep-alive on its
 * sockets, and a connection hangs up its streams when it closes.
 *
 * `undici` here is the npm package (version 6, as bundled by Node 20, whose fetch takes its Agent
 * as `dispatcher`).
 */

let longLived: Dispatcher | null = null;

/** The dispatcher of long-lived streams: no body timeout (tests may pass their own). */
export function longLivedDispatcher(): Dispatcher {
  longLived ??= new Agent({ bodyTimeout: 0 });
  return longLived;
}

/** `init` for a request whose response may stay silent for long. */
export function longLivedInit(init: RequestInit, dispatcher = longLivedDispatcher()): RequestInit {
  // Node's fetch reads `dispatcher` (undici's RequestInit); the DOM type does not name it.
  return { ...init, dispatcher } as RequestInit;
}

/**
 * fetch whose GET requests are long-lived streams: the SDK's transports open their
 * server-to-client stream with GET and send everything else with POST (or DELETE).
 */
export function withLongLivedGets(base?: FetchLike, dispatcher?: Dispatcher): FetchLike {
  return (input, init) => {
    const send = base ?? fetch; // the global one as it is at the time of the request
    return (init?.method ?? "GET").toUpperCase() === "GET"
      ? send(input, longLivedInit(init ?? {}, dispatcher))
      : send(input, init);
  };
}
