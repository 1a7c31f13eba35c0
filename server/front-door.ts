import type { IncomingMessage, ServerResponse } from "node:http";
import { healthApi } from "./api/health-http";
import { hookApi } from "./api/hook-http";
import { mcpApi } from "./api/mcp-http";
import { restApi } from "./api/rest-http";
import { getEnv } from "./env";
import { securityHeaders } from "./security-headers";

/**
 * The front door: the endpoints that scripts, senders and MCP clients call (the REST API, webhooks,
 * the MCP endpoint, the health check), answered straight from Node's HTTP server, before Next's
 * router. `npm start` runs scripts/server.mjs, which asks `globalThis.maestroFrontDoor` first and
 * hands everything else (pages, tRPC, sign-in) to Next. The handlers are the same functions the
 * app/api route files call, so `next dev` and tests that call the route files get the same answers;
 * what the front door saves is Next's routing per request, which on this machine kind costs more
 * than a whole GET of a run (ARCHITECTURE.md "The front door").
 */
type Handler = (request: Request) => Promise<Response>;

/** The handler for a path and method, or undefined to let Next answer (pages, tRPC, HEAD, OPTIONS, odd paths). */
export function frontDoorHandler(method: string, pathname: string): Handler | undefined {
  if (pathname === "/api/health") return method === "GET" ? healthApi : undefined;
  if (pathname === "/api/mcp")
    return method === "GET" || method === "POST" || method === "DELETE" ? mcpApi : undefined;
  if (!REST_METHODS.has(method)) return undefined;
  const hook = /^\/api\/hooks\/([^/]+)$/.exec(pathname);
  if (hook) {
    const id = decodeSegment(hook[1]!);
    return id === undefined ? undefined : (request) => hookApi(request, id);
  }
  const rest = /^\/api\/v1\/([^/]+(?:\/[^/]+)*)$/.exec(pathname);
  if (rest) {
    const segments = rest[1]!.split("/").map(decodeSegment);
    if (segments.some((s) => s === undefined)) return undefined;
    const path = segments.join("/");
    return (request) => restApi(request, path);
  }
  return undefined;
}

const REST_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** A path segment as Next decodes it for a route's params; undefined when it is not valid percent-encoding. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Answers `req` when it is one of the front door's endpoints and returns true; returns false
 * (having touched nothing) for Next to answer. A client that hangs up aborts the Request's
 * signal, as under Next, so a waiting start or an SSE stream stops following its run.
 */
export function serveFrontDoor(req: IncomingMessage, res: ServerResponse): boolean {
  const method = req.method ?? "GET";
  const target = req.url ?? "/";
  const query = target.indexOf("?");
  const handler = frontDoorHandler(method, query < 0 ? target : target.slice(0, query));
  if (!handler) return false;
  void answer(req, res, handler).catch((error: unknown) => {
    console.error("A front-door request failed:", error);
    if (!res.headersSent) {
      res.writeHead(500, {
        ...headersOfEveryAnswer(),
        "content-type": "application/json",
        "cache-control": "no-store",
      });
      res.end(
        JSON.stringify({
          error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on the server." },
        }),
      );
    } else res.destroy();
  });
  return true;
}

async function answer(req: IncomingMessage, res: ServerResponse, handler: Handler) {
  const hangUp = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) hangUp.abort();
  });
  // The x-forwarded-* headers Next adds when a proxy did not (base-server.js): audit records read the client's address.
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const host = headers.get("host") ?? "localhost";
  if (!headers.has("x-forwarded-for") && req.socket.remoteAddress)
    headers.set("x-forwarded-for", req.socket.remoteAddress);
  if (!headers.has("x-forwarded-host")) headers.set("x-forwarded-host", host);
  if (!headers.has("x-forwarded-proto")) headers.set("x-forwarded-proto", "http");
  const method = req.method ?? "GET";
  const hasBody = method !== "GET";
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `http://${host}`);
  } catch {
    url = new URL(req.url ?? "/", "http://localhost");
  }
  const request = new Request(url, {
    method,
    headers,
    // The Node stream itself, read only when the handler reads the body: one it never reads (a 401,
    // a 404) is never read, and the answer closes the connection (below).
    body: hasBody ? (req as unknown as BodyInit) : undefined,
    signal: hangUp.signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);

  const response = await handler(request);
  const outgoing = headersOfEveryAnswer();
  // A body the handler left half read (a refusal before reading it, a 413) is not drained: the
  // connection closes after this answer instead of reading megabytes nobody wants.
  if (hasBody && !req.complete) outgoing.connection = "close";
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") outgoing[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outgoing["set-cookie"] = cookies;
  if (!response.body) {
    res.writeHead(response.status, outgoing);
    return void res.end();
  }
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    // A whole answer (JSON): one write, with its length, as Next sends it.
    const body = Buffer.from(await response.arrayBuffer());
    outgoing["content-length"] = String(body.length);
    res.writeHead(response.status, outgoing);
    return void res.end(body);
  }
  // An event stream may have nothing to send for a while: its headers go out now.
  res.writeHead(response.status, outgoing);
  res.flushHeaders();
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value) && !res.destroyed)
      await new Promise<void>((resume) => {
        const go = () => {
          res.off("drain", go);
          res.off("close", go);
          resume();
        };
        res.on("drain", go);
        res.on("close", go);
      });
    if (res.destroyed) break;
  }
  res.end();
}

let everyAnswer: { appUrl: string | undefined; headers: Record<string, string> } | undefined;

/** The headers next.config.ts has Next add to every response (SECURITY.md "HTTP headers"), a fresh copy to add to. */
function headersOfEveryAnswer(): Record<string, string | string[]> {
  const appUrl = getEnv().nextAuthUrl;
  if (!everyAnswer || everyAnswer.appUrl !== appUrl) {
    const headers: Record<string, string> = {};
    for (const { key, value } of securityHeaders(false, appUrl)) headers[key.toLowerCase()] = value;
    everyAnswer = { appUrl, headers };
  }
  return { ...everyAnswer.headers };
}

const globalForDoor = globalThis as unknown as { maestroFrontDoor?: typeof serveFrontDoor };

/**
 * Hands the front door to scripts/server.mjs (on globalThis: the server script is not part of
 * Next's bundles, which load this module). Called once at boot (server/boot.ts).
 */
export function openFrontDoor(): void {
  globalForDoor.maestroFrontDoor = serveFrontDoor;
}
