// Stands in for the server (scripts/server.mjs) in scripts/start.test.ts: says it started, and on SIGTERM or SIGINT says
// so, waits a moment (as the app does while it hands runs back) and exits 0.
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    console.log(`fake next ${process.pid} got ${signal}`);
    setTimeout(() => process.exit(0), 200);
  });
}
console.log(`fake next ${process.pid} (parent ${process.ppid}) started: port ${process.env.PORT}`);
setInterval(() => {}, 1000);
