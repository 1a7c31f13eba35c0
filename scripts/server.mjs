#!/usr/bin/env node
// The production server that `npm start` runs (scripts/start.mjs): Next's request handler behind
// Node's own HTTP server, with the app's front door first. At boot the app (server/boot.ts) puts
// server/front-door.ts on globalThis; it answers the REST API, webhooks, /api/mcp and /api/health
// itself and returns false for everything else, which Next answers as `next start` would.
import { createServer } from "node:http";
import next from "next";

const root = new URL("..", import.meta.url).pathname;
const port = Number(process.env.PORT || 3000);
process.title = "maestro-server";

/** Next logs uncaught errors and carries on (its server's own handler): a failed start must end the process. */
function fail(what, error) {
  console.error(`\nMaestro could not start: ${what}: ${error?.message ?? error}\n`);
  process.exit(1);
}

const app = next({ dev: false, dir: root, port });
const handleWithNext = app.getRequestHandler();
// Runs instrumentation.ts → server/boot.ts, which opens the front door (and exits 1 itself when
// the configuration or the database is wrong).
await app.prepare().catch((error) => fail("Next did not load the build", error));

const server = createServer((req, res) => {
  if (globalThis.maestroFrontDoor?.(req, res)) return;
  void handleWithNext(req, res);
});
server.on("error", (error) => fail(`port ${port}`, error));
server.listen(port, () => console.log(`Listening on port ${port}`));
