import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getServerSession } from "next-auth";
import { appRouter } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { getAuthOptions } from "@/server/auth/options";
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
      const [{ db }, session] = await Promise.all([getDatabase(), getServerSession(getAuthOptions())]);
      const identity = session?.user.id ? { userId: session.user.id, tenantId: session.tenantId } : null;
      return createContext({ db, identity, meta: readRequestMeta(request.headers) });
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  }),
);

export { handle as GET, handle as POST };
