import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { getDatabase } from "@/server/db";
import { getAuthSecret } from "@/server/env";
import { isSessionLive } from "@/server/services/sessions";

/** next-auth's session cookie names (plain and, on https, __Secure-; large tokens come in chunks). */
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

/**
 * Sends signed-out visitors to the sign-in page (remembering where they were going) and signed-in
 * ones away from it; invitation links (/invite/<token>) are open to both. A cookie whose session
 * has ended (sign-out elsewhere, "sign out everywhere", a password change) counts as signed out,
 * and is deleted. API routes answer for themselves (401), so they are not redirected here.
 */
export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request, secret: getAuthSecret() });
  const isSignedIn = token ? await isSessionLive((await getDatabase()).db, token) : false;
  const { pathname, search } = request.nextUrl;
  let response: NextResponse;
  if (pathname === "/signin") {
    response = isSignedIn
      ? NextResponse.redirect(new URL("/workflows", request.url))
      : NextResponse.next();
  } else if (pathname.startsWith("/invite/")) {
    // An invitation link is for people who may have no account yet: the page itself offers to sign in.
    response = NextResponse.next();
  } else if (!isSignedIn) {
    const url = new URL("/signin", request.url);
    if (pathname !== "/") url.searchParams.set("callbackUrl", `${pathname}${search}`);
    response = NextResponse.redirect(url);
  } else {
    response = NextResponse.next();
  }
  if (token && !isSignedIn) {
    for (const { name } of request.cookies.getAll()) {
      if (SESSION_COOKIE.test(name))
        response.cookies.set(name, "", {
          path: "/",
          maxAge: 0,
          httpOnly: true,
          secure: name.startsWith("__Secure-"),
        });
    }
  }
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/|icon.svg|favicon.ico|robots.txt).*)"],
};
