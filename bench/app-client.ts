import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";

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

/**
 * Starts the production build (`npm start`, built first when stale) on `port` with a fresh embedded
 * data folder (the demo seed) and the extra `env`, and resolves once /api/health answers.
 * @example const app = await startApp({ port: 3390, dataDir: ".tmp/bench-http", env: {} })
 */
export async function startApp(options: {
  port: number;
  dataDir: string;
  env: Record<string, string>;
}): Promise<ChildProcess> {
  const root = join(__dirname, "..");
  const base = `http://127.0.0.1:${options.port}`;
  rmSync(options.dataDir, { recursive: true, force: true });
  const app = spawn(process.execPath, [join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(options.port),
      DATA_DIR: options.dataDir,
      NEXTAUTH_URL: base,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  app.stdout!.on("data", () => undefined);
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    const ok = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return app;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("The app did not answer /api/health within 3 minutes");
}
