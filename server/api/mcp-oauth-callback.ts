import { TRPCError } from "@trpc/server";
import { getDatabase } from "@/server/db";
import { readRequestMeta } from "@/server/http";
import { appUrlOf } from "@/server/services/mcp-oauth";
import { createCaller } from "./root";
import { readSessionIdentity } from "./session-identity";
import { createContext } from "./trpc";

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
    return page(error.code === "FORBIDDEN" ? 403 : 400, error.message);
  }
}
