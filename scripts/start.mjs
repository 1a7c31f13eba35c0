#!/usr/bin/env node
// `npm start`: builds the app when the sources are newer than the last build, then serves it
// with `next start`. Migrations, the demo seed and the sign-in banner happen inside the server
// (instrumentation.ts → server/boot.ts), the only process that opens the database.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const port = process.env.PORT || "3000";
const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");
const SOURCES = ["app", "components", "engine", "server", "db", "public", "proxy.ts", "instrumentation.ts", "next.config.ts", "package.json"];

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

const buildId = join(root, ".next", "BUILD_ID");
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const sourcesAt = Math.max(...SOURCES.map((s) => newestMtime(join(root, s))));
if (process.env.SKIP_BUILD !== "1" && sourcesAt > builtAt) {
  console.log(builtAt ? "Sources changed since the last build: building…" : "Building the app (first start)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const env = { ...process.env, NODE_ENV: "production", NEXTAUTH_URL: process.env.NEXTAUTH_URL || `http://localhost:${port}` };
const server = spawn(process.execPath, [nextBin, "start", "--port", port], { cwd: root, stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
