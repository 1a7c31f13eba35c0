import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/options";
import { withMetrics } from "@/server/observability/metrics";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

const handle = withMetrics("/api/auth", (request: Request, context: RouteContext) =>
  (NextAuth(getAuthOptions()) as (req: Request, ctx: RouteContext) => Promise<Response>)(request, context),
);

export { handle as GET, handle as POST };
