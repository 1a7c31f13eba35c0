#!/usr/bin/env node
// Runs a command while other processes keep CPU cores busy, the way a shared or slow machine would:
//   node scripts/under-load.mjs [--cores=N] [--] <command> [args…]
//   npm run test:e2e:load -- e2e/editor.spec.ts      (the browser suite, one core kept busy)
// A test that passes only on an idle machine waits on time instead of on the state it needs, or
// hides a race in the product; this makes both show up before a slow laptop or CI finds them.
// The busy processes end with the command (and on their own should this script be killed).
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";

const USAGE = "usage: node scripts/under-load.mjs [--cores=N] [--] <command> [args…]";

let cores = Number(process.env.LOAD_CORES ?? 1);
const args = process.argv.slice(2);
while (args.length && args[0].startsWith("--")) {
  const flag = args.shift();
  if (flag === "--") break;
  const match = /^--cores=(\d+)$/.exec(flag);
  if (!match) {
    console.error(`under-load: unknown option ${flag}\n${USAGE}`);
    process.exit(2);
  }
  cores = Number(match[1]);
}
if (args.length === 0 || !Number.isInteger(cores) || cores < 0) {
  console.error(USAGE);
  process.exit(2);
}
if (cores >= availableParallelism()) {
  console.warn(
    `under-load: keeping ${cores} of ${availableParallelism()} cores busy leaves none free; the command will crawl`,
  );
}

// Spins, and looks up now and then whether the script that started it is still there: a busy loop
// never returns to Node's event loop, so it could not hear of its parent's end any other way.
const SPIN = `const parent = process.ppid; for (;;) { for (let i = 0; i < 2e7; i++); if (process.ppid !== parent) process.exit(0); }`;
const spinners = Array.from({ length: cores }, () =>
  spawn(process.execPath, ["-e", SPIN], { stdio: "ignore" }),
);
const stopSpinners = () => {
  for (const spinner of spinners) if (spinner.exitCode === null) spinner.kill("SIGKILL");
};
process.on("exit", stopSpinners);

console.log(
  `under-load: ${cores} busy process${cores === 1 ? "" : "es"} (pids ${spinners.map((s) => s.pid).join(", ") || "none"}) while running: ${args.join(" ")}`,
);
const started = Date.now();
// Its own process group, so a stop reaches what the command started in it, not only the command
// (Playwright puts its web server in a group of its own, and stops it itself on SIGINT).
const command = spawn(args[0], args.slice(1), { stdio: "inherit", detached: true });
const signalCommand = (signal) => {
  try {
    process.kill(-command.pid, signal);
  } catch {
    command.kill(signal);
  }
};
// Stopped: ask the way Ctrl+C does (Playwright then stops its web server too), insist after a while.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopSpinners();
    signalCommand("SIGINT");
    setTimeout(() => signalCommand("SIGTERM"), 15_000).unref();
  });
}
command.on("error", (error) => {
  console.error(`under-load: could not start ${args[0]}: ${error.message}`);
  stopSpinners();
  process.exit(127);
});
command.on("exit", (code, signal) => {
  stopSpinners();
  // Whatever the command left running in its group (a server, a background job) ends with it.
  try {
    process.kill(-command.pid, "SIGTERM");
  } catch {
    // The group is gone already: nothing was left.
  }
  console.log(
    `under-load: finished in ${((Date.now() - started) / 1000).toFixed(1)} s with ${signal ?? `exit code ${code}`}`,
  );
  process.exit(code ?? 1);
});
