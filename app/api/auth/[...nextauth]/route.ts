import NextAuth from "next-auth";
import { CROSS_SITE_MESSAGE, isCrossSiteRequest } from "@/server/api/same-origin";
import { getAuthOptions } from "@/server/auth/options";
import { withMetrics } from "@/server/observability/metrics";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

/** Sign-in, sign-out and session updates from another site's page are refused (403) besides next-auth's own CSRF token. */
const handle = withMetrics("/api/auth", async (request: Request, context: RouteContext) => {
  if (isCrossSiteRequest(request))
    return Response.json({ error: CROSS_SITE_MESSAGE }, { status: 403 });
  return (NextAuth(getAuthOptions()) as (req: Request, ctx: RouteContext) => Promise<Response>)(
    request,
    context,
  );
});

export { handle as GET, handle as POST };
