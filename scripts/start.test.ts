import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `npm start` runs scripts/start.mjs under `sh -c`: a SIGTERM to npm ends npm and sh, but never
 * reaches the script, which used to leave the server running (issue 16, defect 12). The server
 * (scripts/server.mjs) is replaced by scripts/testing/fake-next.mjs, which reports the signals it gets.
 */
const root = join(__dirname, "..");

function startNpm(): {
  npm: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
} {
  const npm = spawn("npm", ["start", "--silent"], {
    cwd: root,
    env: {
      ...process.env,
      SKIP_BUILD: "1",
      MAESTRO_NEXT_BIN: join(root, "scripts/testing/fake-next.mjs"),
      MAESTRO_SERVER_BIN: join(root, "scripts/testing/fake-next.mjs"),
      PORT: "3999",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  };
  npm.stdout!.on("data", onData);
  npm.stderr!.on("data", onData);
  const waitFor = async (pattern: RegExp) => {
    for (;;) {
      const found = pattern.exec(output);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { npm, output: () => output, waitFor };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntilGone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("npm start", () => {
  it(
    "a SIGTERM to npm reaches the server, which stops; nothing is left running",
    { timeout: 60_000 },
    async () => {
      const { npm, waitFor, output } = startNpm();
      const started = await waitFor(/fake next (\d+) \(parent (\d+)\) started: port 3999/);
      const [serverPid, startScriptPid] = [Number(started[1]), Number(started[2])];
      npm.kill("SIGTERM");
      await waitFor(/fake next \d+ got SIGTERM/);
      await waitUntilGone(serverPid);
      await waitUntilGone(startScriptPid);
      expect(output()).toContain(`fake next ${serverPid} got SIGTERM`);
    },
  );
});
