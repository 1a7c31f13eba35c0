import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { getAuthSecret } from "@/server/env";

/**
 * Sends signed-out visitors to the sign-in page (remembering where they were going) and signed-in
 * ones away from it; invitation links (/invite/<token>) are open to both. API routes answer for
 * themselves (tRPC says UNAUTHORIZED), so they are not redirected here.
 */
export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request, secret: getAuthSecret() });
  const { pathname, search } = request.nextUrl;
  if (pathname === "/signin") {
    return token ? NextResponse.redirect(new URL("/workflows", request.url)) : NextResponse.next();
  }
  // An invitation link is for people who may have no account yet: the page itself offers to sign in.
  if (pathname.startsWith("/invite/")) return NextResponse.next();
  if (!token) {
    const url = new URL("/signin", request.url);
    if (pathname !== "/") url.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/((?!api/|_next/|icon.svg|favicon.ico|robots.txt).*)"],
};
