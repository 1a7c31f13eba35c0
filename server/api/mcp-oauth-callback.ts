import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { getDatabase } from "@/server/db";
import { readRequestMeta } from "@/server/http";
import { appUrlOf } from "@/server/services/mcp-oauth";
import { createCaller } from "./root";
import { readSessionIdentity } from "./session-identity";
import { createContext, newRequestId } from "./trpc";

const page = (status: number, message: string) =>
  new Response(
    `<!doctype html><meta charset="utf-8"><title>Sign-in not finished</title><main style="font-family:sans-serif;max-width:40rem;margin:4rem auto"><h1>Sign-in not finished</h1><p>${message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</p><p><a href="/marketplace/installed">Installed servers</a></p></main>`,
    {
      status,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    },
  );

/**
 * The OAuth redirect URI (`GET /api/mcp-oauth/callback?code&state&iss`): the browser comes back
 * here from the authorization server. The session cookie says who it is (a signed-out browser
 * signs in first and comes back); `mcpOAuth.finish` takes the flow its state names, once, for
 * this user and tenant, and the browser goes to the installation's page with the outcome.
 */
export async function handleOAuthCallback(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const params = url.searchParams;
  const { db } = await getDatabase();
  const identity = await readSessionIdentity(request);
  const appUrl = appUrlOf();
  if (!identity) {
    const signin = new URL("/signin", appUrl);
    signin.searchParams.set("callbackUrl", `${url.pathname}${url.search}`);
    return Response.redirect(signin.href, 303);
  }
  const caller = createCaller(
    await createContext({ db, identity, meta: readRequestMeta(request.headers) }),
  );
  const optional = (key: string) => params.get(key) ?? undefined;
  try {
    const outcome = await caller.mcpOAuth.finish({
      state: params.get("state") ?? "",
      code: optional("code"),
      iss: optional("iss"),
      error: optional("error"),
      errorDescription: optional("error_description"),
    });
    const back = new URL(`/marketplace/installed/${outcome.installationId}`, appUrl);
    if (outcome.error) back.searchParams.set("oauth_error", outcome.error);
    else back.searchParams.set("oauth", "connected");
    return Response.redirect(back.href, 303);
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    // A failure of ours (a database error's message holds its SQL) says only under which id it
    // was logged, as the tRPC endpoint's answers do.
    if (error.code === "INTERNAL_SERVER_ERROR") {
      const requestId = newRequestId();
      console.error(`[request ${requestId}] /api/mcp-oauth/callback failed:`, error.cause ?? error);
      return page(500, `Something went wrong (request id ${requestId}).`);
    }
    // A callback without a usable state (zod's own message is its issues as JSON).
    if (error.cause instanceof ZodError)
      return page(
        400,
        "This link is not a sign-in Maestro started: open the server's page and press Connect again",
      );
    return page(error.code === "FORBIDDEN" ? 403 : 400, error.message);
  }
}
