import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Which Chromium the e2e tests drive, without any download from a CDN:
 *   1. CHROMIUM_PATH, when set;
 *   2. Debian's /usr/bin/chromium, when installed;
 *   3. the Chromium packed inside the npm package @sparticuz/chromium (a devDependency),
 *      unpacked to the temp folder on first use.
 */
export async function resolveChromium(): Promise<string> {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit))
      throw new Error(`CHROMIUM_PATH names ${explicit}, which does not exist.`);
    return explicit;
  }
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  const { default: chromium } = await import("@sparticuz/chromium");
  return chromium.executablePath();
}

/** Flags that let Chromium run as root in a container and keep it off the (closed) network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** A profile, cache and temp folder inside the project, so runs never share them with other browsers. */
export function browserEnv(root: string): Record<string, string> {
  const base = join(root, ".tmp", "browser");
  const dirs = {
    XDG_CONFIG_HOME: join(base, "config"),
    XDG_CACHE_HOME: join(base, "cache"),
    TMPDIR: join(base, "tmp"),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return dirs;
}
