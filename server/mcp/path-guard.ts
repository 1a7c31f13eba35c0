import { isAbsolute, relative, resolve } from "node:path";
import { getEnv } from "@/server/env";

/**
 * Stdio servers run on this host with the app's rights, so a path given to one (a filesystem
 * server's allowed directory, a memory or database file) must not reach the app's own data: the
 * database files and the key that encrypts every tenant's secrets live in the data directory.
 * Returns why a path is refused, or null when it is fine.
 */
const SYSTEM_DIRS = ["/proc", "/sys", "/dev", "/boot", "/etc"];

const isWithin = (child: string, parent: string) => {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

export function refusePath(path: string, dataDir = getEnv().dataDir): string | null {
  const target = resolve(path);
  const data = resolve(dataDir);
  if (isWithin(target, data) || isWithin(data, target))
    return "it would give the server access to the app's own data directory";
  if (SYSTEM_DIRS.some((dir) => isWithin(target, dir)))
    return "system directories cannot be given to a server";
  return null;
}
