import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * PGlite has no lock across processes: two processes on one directory both "succeed" and silently
 * lose writes. So exactly one process may open a data directory; a second one is refused.
 */
export class DatabaseLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is already open in process ${pid}. ` +
        `Only one process may use it: stop that process, or set DATABASE_URL to a PostgreSQL server to run several.`,
    );
    this.name = "DatabaseLockedError";
  }
}

/** Whether a process still runs: a zombie (killed, not yet reaped) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/**
 * A process killed with -9 answers signal 0 until its parent reaps it; as a zombie it holds no
 * files and runs nothing, so its lock is stale. Linux only (/proc); elsewhere nothing is a zombie.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** Takes the lock file `<dir>.lock`; returns a function that releases it. A lock left by a dead process is taken over. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, "..", `${dir.split(/[\\/]/).filter(Boolean).pop() ?? "db"}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        rmSync(lockPath, { force: true });
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DatabaseLockedError(dir, holder);
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone (or it is ours from a hot reload)
    }
  }
  throw new Error(`Could not take the lock for ${dir}`);
}
