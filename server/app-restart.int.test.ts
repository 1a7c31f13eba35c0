import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { isAlive } from "@/db/lock";
import { runEvents, runs } from "@/db/schema";
import type { RunEvent } from "@/engine/schema/run-events";
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from "@/server/llm/testing/fake-openai-server";
import { killGroup } from "@/server/testing/worker-harness";
import { baseChildEnv } from "@/server/mcp/launch";

/**
 * Issue 16, faults: the app on the embedded default (PGlite in its data folder, run workers in the
 * process) is killed with -9 during a burst of run starts, then started again on the same folder:
 * it takes the database lock over from the dead process, resumes what was running or queued, and
 * every accepted run finishes, none twice. Then a SIGTERM stops it: exit 0, database closed.
 * The app is server/testing/embedded-app.ts (the app's own boot, without Next's HTTP server);
 * its two LLM steps call a fake OpenAI-compatible server on loopback that counts the calls.
 */
let fake: FakeOpenAiServer;
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAiServer({ delayMs: 200 });
  dataDir = mkdtempSync(join(tmpdir(), "maestro-app-"));
});
afterAll(async () => {
  for (const child of children) killGroup(child);
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface App {
  child: ChildProcess;
  pid: number;
  send(command: unknown): void;
  /** Resolves with the first match in what the app printed, once it is there. */
  waitFor(pattern: RegExp, what: string): Promise<RegExpExecArray>;
  lines(pattern: RegExp): RegExpExecArray[];
  exited(): Promise<number | null>;
  output(): string;
}

async function startApp(): Promise<App> {
  const child = spawn(
    process.execPath,
    [join(process.cwd(), "node_modules/tsx/dist/cli.mjs"), "server/testing/embedded-app.ts"],
    {
      cwd: process.cwd(),
      detached: true, // its own process group: kill -9 takes tsx and the app together
      stdio: ["pipe", "pipe", "pipe"],
      // The embedded default whatever this test run uses: no DATABASE_URL or REDIS_URL.
      env: {
        ...baseChildEnv(),
        NODE_ENV: "production",
        DATA_DIR: dataDir,
        SEED_DEMO: "false",
        LLM_BASE_URL: fake.baseURL,
        RUN_MAX_ACTIVE_PER_TENANT: "1000",
        RUN_SHUTDOWN_GRACE_MS: "2000",
      },
    },
  );
  children.push(child);
  let output = "";
  let wake: (() => void)[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of wake.splice(0)) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  void exit.then(() => {
    for (const w of wake.splice(0)) w();
  });
  const app: Omit<App, "pid"> = {
    child,
    send: (command) => child.stdin!.write(`${JSON.stringify(command)}\n`),
    async waitFor(pattern, what) {
      for (;;) {
        const found = pattern.exec(output);
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`The app exited before ${what}:\n${output}`);
        await new Promise<void>((resolve) => wake.push(resolve));
      }
    },
    lines: (pattern) => [...output.matchAll(new RegExp(pattern.source, "gm"))],
    exited: () => exit,
    output: () => output,
  };
  const ready = await app.waitFor(/^app (\d+) ready/m, "it was ready");
  wake = wake.filter(Boolean);
  return { ...app, pid: Number(ready[1]) };
}

/** Calls the fake server got for one step of the run tagged `tag`. */
const callsOf = (step: "first" | "second", tag: string) =>
  fake.received.filter((request) =>
    JSON.stringify(request.messages).includes(`${step} step of ${tag}`),
  ).length;

describe(
  "the app on the embedded database, killed and restarted (fake OpenAI-compatible server)",
  { timeout: 240_000 },
  () => {
    it("killed with -9 during a burst of starts: after a restart every accepted run finishes, none twice; SIGTERM then stops it with exit 0", async () => {
      const first = await startApp();
      first.send({ setup: true });
      await first.waitFor(/^workflow \S+/m, "the workflow was made");
      first.send({ burst: { count: 40 } });
      await first.waitFor(/(^accepted .*\n[^]*){15}/m, "15 starts were accepted");
      // Kill it with model calls under way (each takes the fake server 200 ms to answer).
      while (fake.received.length < 5) await new Promise((resolve) => setTimeout(resolve, 10));
      killGroup(first.child);
      await first.exited();
      // tsx's exit comes first; the app under it (which holds the PGlite lock) dies a moment later.
      await expect.poll(() => isAlive(first.pid), { timeout: 30_000 }).toBe(false);
      const accepted = new Map(
        first.lines(/^accepted (\d+) (\S+)$/).map((m) => [m[2]!, `run${m[1]}x`]),
      );
      expect(accepted.size).toBeGreaterThanOrEqual(15);

      // The PGlite lock names the dead process: the new one takes it over and resumes the runs.
      const second = await startApp();
      second.send({ settle: true });
      await second.waitFor(/^settled$/m, "every run had finished");
      process.kill(second.pid, "SIGTERM");
      expect(await second.exited(), second.output()).toBe(0);
      expect(second.output()).toMatch(new RegExp(`Maestro ${second.pid} stopped\\.`));

      // The app is gone and has let go of its folder: read what it stored.
      const database = await openDatabase({ dataDir: join(dataDir, "pglite") });
      try {
        const ids = [...accepted.keys()];
        const rows = await database.db
          .select({ id: runs.id, status: runs.status })
          .from(runs)
          .where(inArray(runs.id, ids));
        expect(rows.map((r) => r.status)).toEqual(ids.map(() => "completed"));
        const events = await database.db
          .select({ runId: runEvents.runId, payload: runEvents.payload })
          .from(runEvents)
          .where(inArray(runEvents.runId, ids));
        // The kill did cut steps off mid-call (else this test would prove little).
        expect(
          events.filter((e) => (e.payload as RunEvent).type === "step.interrupted").length,
        ).toBeGreaterThan(0);
        for (const [runId, tag] of accepted) {
          const mine = events.filter((e) => e.runId === runId).map((e) => e.payload as RunEvent);
          expect(
            mine.filter((e) => e.type === "run.completed"),
            runId,
          ).toHaveLength(1);
          for (const step of ["first", "second"] as const) {
            expect(
              mine.filter((e) => e.type === "step.completed" && e.stepId === step),
              `${runId} ${step}`,
            ).toHaveLength(1);
            // A call is sent twice only for a step the kill cut off, and then the step says so (a step
            // cut off just before its call went out was sent once).
            const wasInterrupted = mine.some(
              (e) => e.type === "step.interrupted" && e.stepId === step,
            );
            expect(callsOf(step, tag), `${runId} ${step}`).toBeGreaterThanOrEqual(1);
            expect(callsOf(step, tag), `${runId} ${step}`).toBeLessThanOrEqual(
              wasInterrupted ? 2 : 1,
            );
          }
        }
      } finally {
        await database.close();
      }
    });
  },
);
