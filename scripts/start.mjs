#!/usr/bin/env node
// `npm start`: builds the app when the sources are newer than the last build, then serves it
// with scripts/server.mjs (Next's handler behind the app's front door). Migrations, the demo seed
// and the sign-in banner happen inside the server (instrumentation.ts → server/boot.ts), the only
// process that opens the database.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const port = process.env.PORT || "3000";
// Stand-ins for Next's build (MAESTRO_NEXT_BIN) and the server (MAESTRO_SERVER_BIN) let
// scripts/start.test.ts check how stopping works.
const nextBin =
  process.env.MAESTRO_NEXT_BIN || join(root, "node_modules", "next", "dist", "bin", "next");
const serverBin = process.env.MAESTRO_SERVER_BIN || join(root, "scripts", "server.mjs");
const SOURCES = [
  "app",
  "components",
  "engine",
  "server",
  "db",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "package.json",
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

// Stopping: SIGTERM or SIGINT goes to whatever child runs (the build, then the server), and this
// process exits when it does. The server stops gracefully (server/shutdown.ts: no new runs, a
// grace period, running runs handed back) and exits 0. `npm start` runs this under `sh -c`, and
// a SIGTERM to npm ends npm and sh but never reaches us: so a parent that goes away (we are
// re-parented) counts as SIGTERM too, or the server would be left running.
let child;
let stopSignal;
function stop(signal) {
  stopSignal ??= signal;
  child?.kill(signal);
  if (!child) process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(signal));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop("SIGTERM");
}, 500).unref();

function run(args, env) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, args, { cwd: root, stdio: "inherit", env });
    if (stopSignal) child.kill(stopSignal);
    child.on("exit", (code, signal) => {
      child = undefined;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const buildId = join(root, ".next", "BUILD_ID");
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const sourcesAt = Math.max(...SOURCES.map((s) => newestMtime(join(root, s))));
if (process.env.SKIP_BUILD !== "1" && sourcesAt > builtAt) {
  console.log(
    builtAt ? "Sources changed since the last build: building…" : "Building the app (first start)…",
  );
  const status = await run([nextBin, "build"], process.env);
  if (status !== 0 || stopSignal) process.exit(stopSignal ? 0 : status);
}

const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: port,
  NEXTAUTH_URL: process.env.NEXTAUTH_URL || `http://localhost:${port}`,
  // Next's own handler would close the HTTP server first (waiting on open event streams) and exit
  // 143 before runs are handed back; the app's handler (server/boot.ts) does the whole stop.
  NEXT_MANUAL_SIG_HANDLE: "true",
};
process.exit(await run([serverBin], env));
