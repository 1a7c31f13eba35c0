import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { findAppError } from "@/server/api/errors";
import { formatBytes, INPUT_LIMITS } from "@/server/input-guards";
import { CROSS_SITE_MESSAGE, isCrossSiteRequest } from "@/server/api/same-origin";
import { identifyRequest } from "@/server/api/session-identity";
import { createContext } from "@/server/api/trpc";
import { getDatabase } from "@/server/db";
import { readRequestMeta, readTextCapped } from "@/server/http";
import { withMetrics } from "@/server/observability/metrics";

export const dynamic = "force-dynamic";

/**
 * The body, read up to INPUT_LIMITS.trpcBodyBytes (6 MiB: a 5 MB workflow draft fits, see
 * input-guards.ts) and handed on as a new request; null when it is larger (nothing more is read).
 */
async function capBody(request: Request): Promise<Request | null> {
  if (request.method !== "POST" || !request.body) return request;
  const limit = INPUT_LIMITS.trpcBodyBytes;
  if (Number(request.headers.get("content-length") ?? "0") > limit) return null;
  const text = await readTextCapped(request, limit);
  if (text === undefined) return null;
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: text,
    signal: request.signal,
  });
}

const handle = withMetrics("/api/trpc", async (received: Request) => {
  const capped = await capBody(received);
  // Too large: tRPC answers each call of the batch with 413 in its usual error shape (the body is not parsed).
  const request =
    capped ??
    new Request(received.url, {
      method: received.method,
      headers: received.headers,
      signal: received.signal,
    });
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => {
      // A change sent with the session cookie from another site's page (CSRF): 403 before anything runs.
      if (isCrossSiteRequest(request))
        throw new TRPCError({ code: "FORBIDDEN", message: CROSS_SITE_MESSAGE });
      if (!capped)
        throw new TRPCError({
          code: "PAYLOAD_TOO_LARGE",
          message: `The request body is larger than ${formatBytes(INPUT_LIMITS.trpcBodyBytes)}.`,
        });
      const { db } = await getDatabase();
      return createContext({
        db,
        identity: await identifyRequest(request, db),
        meta: readRequestMeta(request.headers),
      });
    },
    // A rate-limited call says when to come back.
    responseMeta({ errors }) {
      const wait = errors
        .map((e) => findAppError(e)?.details?.retryAfterSeconds)
        .find((s) => typeof s === "number");
      return wait ? { headers: new Headers({ "Retry-After": String(wait) }) } : {};
    },
    // Server failures are logged by the error formatter (server/api/trpc.ts), with the request id it answers.
  });
});

export { handle as GET, handle as POST };
