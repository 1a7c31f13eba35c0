import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { findAppError } from "@/server/api/errors";
import { identifyRequest } from "@/server/api/session-identity";
import { createContext } from "@/server/api/trpc";
import { getDatabase } from "@/server/db";
import { readRequestMeta } from "@/server/http";
import { withMetrics } from "@/server/observability/metrics";

export const dynamic = "force-dynamic";

const handle = withMetrics("/api/trpc", (request: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => {
      const { db } = await getDatabase();
      return createContext({ db, identity: await identifyRequest(request, db), meta: readRequestMeta(request.headers) });
    },
    // A rate-limited call says when to come back.
    responseMeta({ errors }) {
      const wait = errors.map((e) => findAppError(e)?.details?.retryAfterSeconds).find((s) => typeof s === "number");
      return wait ? { headers: new Headers({ "Retry-After": String(wait) }) } : {};
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  }),
);

export { handle as GET, handle as POST };
