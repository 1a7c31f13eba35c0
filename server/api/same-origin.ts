import { getEnv } from "@/server/env";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The message a refused cross-site request gets (403). */
export const CROSS_SITE_MESSAGE =
  "This request was refused: it changes something with your session cookie but did not come from this app's own pages (its Origin does not match).";

/**
 * Whether a state-changing request must be refused as cross-site (CSRF): true when it is not a
 * GET/HEAD/OPTIONS, carries no `Authorization` header (so a cookie is what would authenticate it;
 * a web page cannot send an API token for a visitor), and its Origin, or its Referer when there is
 * no Origin, is neither the app's own URL (NEXTAUTH_URL) nor the host it was sent to. A request
 * with neither header is refused too: browsers send Origin on every cross-origin or POST request.
 * API routes that take only tokens or signatures (/api/v1, /api/mcp, /api/hooks) do not call this.
 */
export function isCrossSiteRequest(request: Request, appUrl = getEnv().nextAuthUrl): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  if (request.headers.get("authorization")) return false;
  const source =
    originOf(request.headers.get("origin")) ?? originOf(request.headers.get("referer"));
  if (!source) return true;
  if (appUrl && originOf(appUrl)?.origin === source.origin) return false;
  const host =
    request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  return !host || source.host !== host.toLowerCase();
}

function originOf(value: string | null): URL | null {
  if (!value || value === "null") return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}
