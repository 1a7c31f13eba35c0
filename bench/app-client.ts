/**
 * A started app's own front doors, as a script signs in and calls them (bench:http and
 * bench/record-runs.ts): a session cookie from the credentials sign-in, and tRPC calls over HTTP
 * with a cookie or an API token.
 * @example const { signIn, trpc } = appClient("http://127.0.0.1:3390")
 */
export function appClient(base: string) {
  const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(";")[0]).join("; ");

  /** The session cookie header of a credentials sign-in. */
  async function signIn(email: string, password: string): Promise<string> {
    const csrf = await fetch(`${base}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookies = csrf.headers.getSetCookie();
    const signedIn = await fetch(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: cookieHeader(cookies),
        origin: base,
      },
      body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    });
    return cookieHeader([...cookies, ...signedIn.headers.getSetCookie()]);
  }

  /** One tRPC procedure's result, or an error naming it. */
  async function trpc<T>(
    auth: Record<string, string>,
    path: string,
    input: unknown,
    method: "GET" | "POST" = "POST",
  ): Promise<T> {
    const url =
      method === "GET"
        ? `${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`
        : `${base}/api/trpc/${path}`;
    const response = await fetch(url, {
      method,
      headers: { ...auth, "content-type": "application/json", origin: base },
      ...(method === "POST" ? { body: JSON.stringify({ json: input }) } : {}),
    });
    const body = (await response.json()) as { result?: { data: { json: T } }; error?: unknown };
    if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
    return body.result.data.json;
  }

  return { signIn, trpc };
}
