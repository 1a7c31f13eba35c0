import { spawn } from "node:child_process";
import { McpToolError } from "./errors";
import type { LaunchSpec } from "./launch";

/**
 * Servers that run through `npx` get their package installed first, on its own, before they
 * start. Left to npx, the download (and a native build, as SQLite's) happens inside the start
 * timeout: a first start spins for minutes, is killed half-installed, and the next one starts
 * over. Here the install runs once per package at a time, later callers join it, and it goes on
 * when a caller stops waiting, so a later start finds it in npx's cache. A registry that cannot
 * be reached fails it in seconds (no fetch retries), saying so.
 */

type Install = { promise: Promise<void>; isDone: boolean };
const globalForInstalls = globalThis as unknown as { mcpNpxInstalls?: Map<string, Install> };
const installs = (globalForInstalls.mcpNpxInstalls ??= new Map());

/** The package an npx launch runs: `npx -y <pkg> …` or `npx -y --package <pkg> -- …`. */
export function npxPackageOf(spec: LaunchSpec): string | null {
  if (spec.transport !== "stdio" || !/(^|\/)npx$/.test(spec.command)) return null;
  const args = spec.args.filter((a) => a !== "-y" && a !== "--yes");
  return (args[0] === "--package" ? args[1] : args[0]) ?? null;
}

/** What npm said, without its stack trace, property dump and log hint. */
export function npmReasonOf(stderr: string): string {
  // A package (or scope) the registry does not have: npm's six lines say only this.
  if (/\bE404\b/.test(stderr)) {
    const url = /404 Not Found - GET (\S+)/.exec(stderr)?.[1];
    return `the registry has no such package (404 Not Found${url ? ` for ${url}` : ""})`;
  }
  return stderr
    .split("\n")
    .map((line) => line.replace(/^npm (error|ERR!)\s?/, "").trim())
    .filter(
      (line) =>
        line &&
        !/^(at |[{}]|[a-zA-Z]+: '|(code|syscall|errno|port|address) |A complete log|If you are behind a proxy)/.test(
          line,
        ),
    )
    .slice(0, 3)
    .join(" | ");
}

function install(pkg: string, env: Record<string, string>, cwd?: string): Install {
  const entry: Install = { isDone: false, promise: Promise.resolve() };
  entry.promise = new Promise<void>((resolve, reject) => {
    const child = spawn("npx", ["-y", "--package", pkg, "--", "node", "-e", ""], {
      // The child's whole environment, as the server would get it (not the app's own variables).
      env: {
        ...env,
        npm_config_fetch_retries: "0",
        npm_config_update_notifier: "false",
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "ignore", "pipe"],
      ...(cwd ? { cwd } : {}),
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once("error", (error) => reject(new Error(error.message)));
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(npmReasonOf(stderr) || `npx exited with ${code}`)),
    );
  }).then(
    () => {
      entry.isDone = true;
    },
    (error: unknown) => {
      installs.delete(pkg); // the next start tries again
      throw error;
    },
  );
  // A caller that stopped waiting has already reported; the failure is told to the next one.
  entry.promise.catch(() => {});
  return entry;
}

/**
 * Resolves once `spec`'s npx package is in npx's cache (at once for other launches). Throws a
 * CONNECT_FAILED McpToolError that names the package when npx cannot install it, or when the
 * install is still going after `waitMs` (it goes on in the background).
 */
export async function ensureNpxPackage(
  server: string,
  spec: LaunchSpec,
  options: { waitMs: number },
): Promise<void> {
  const pkg = npxPackageOf(spec);
  if (!pkg || spec.transport !== "stdio") return;
  let entry = installs.get(pkg);
  if (entry?.isDone) return;
  if (!entry) {
    entry = install(pkg, spec.env, spec.cwd);
    installs.set(pkg, entry);
  }
  let timer: NodeJS.Timeout | undefined;
  const stillInstalling = new Promise<"waiting">((resolve) => {
    timer = setTimeout(() => resolve("waiting"), options.waitMs);
  });
  try {
    const outcome = await Promise.race([entry.promise, stillInstalling]);
    if (outcome === "waiting") {
      throw new McpToolError(
        "CONNECT_FAILED",
        `${server}: npx is still installing ${pkg} (a download, and for some packages a native build, can take minutes); it goes on in the background, try again shortly`,
        { server },
      );
    }
  } catch (error) {
    if (error instanceof McpToolError) throw error;
    throw new McpToolError(
      "CONNECT_FAILED",
      `${server}: npx could not install ${pkg} from the npm registry: ${error instanceof Error ? error.message : String(error)}`,
      { server },
    );
  } finally {
    clearTimeout(timer);
  }
}
