/**
 * Workflow canvas benchmark (issue 6), printing one JSON object. It drives the production build
 * the way a person does: `node scripts/start.mjs` (builds when stale, then `next start`) on a port
 * of its own (BENCH_CANVAS_PORT, 3200) with a fresh embedded database in .tmp/bench-canvas-data
 * seeded with the demo, and Chromium found like the e2e suite finds it (e2e/browser.ts), in a
 * 1440×900 window. It signs in as the demo owner, creates a workflow through the app's own tRPC
 * API (workflow.create, then workflow.saveDraft) holding a generated 1,000-node document: one
 * input, 998 transforms ({"n": "{{input.n}}"}) and one output in one chain, laid out row by row in
 * a 40-column grid (320 × 160 px a cell, about 12,800 × 4,000 px). Whether the opened view shows
 * all of it depends on the canvas: fitted at React Flow's 5 % minimum zoom the whole grid fits
 * (every node drawn: the worst case); with a higher minimum zoom only part of it is in view and
 * `onlyRenderVisibleElements` leaves the rest out (domNodes says which).
 *
 * - open1000NodesMs: median of 5 openings of /workflows/<id> after one warm-up, each a full page
 *   load (page.goto with a warm HTTP cache and a signed-in session). Measured in the page as
 *   performance.now() (ms since navigation start) at the first animation frame in which the
 *   node clicked shows as selected, where the click (a real mouse click, through CDP) on the node
 *   nearest the canvas's centre is sent as soon as an animation frame shows (1) the fitted
 *   viewport (zoom below 100 %) and (2) every node whose box lies wholly inside the canvas rendered
 *   (nodes outside may be virtualised). Parts: openRenderedMs (1 + 2) and clickToSelectMs;
 *   openWallMs is the same seen from Node (page.goto called → selection seen).
 * - dragFps1000: median over 3 drags of frames per second (frames − 1 ÷ time between the first
 *   and last requestAnimationFrame callback) while the node nearest the centre is dragged in the
 *   opened view for 2 s: mouse down, a mouse move every ~8 ms (sent through CDP without waiting
 *   for the page, as a real mouse does, so a slow page gets its moves coalesced rather than fewer
 *   of them), mouse up. Also: dragFrameMsP50 / dragFrameMsMax (frame intervals); dragMainThreadMs,
 *   dragScriptMs and dragStyleLayoutMs (the renderer's main-thread time during one drag, from
 *   Chromium's Performance domain: a main thread busy ~2,000 ms in a 2-s drag is saturated);
 *   dragMovesSent / dragMovesHandled (mousemove events sent, and dispatched in the page); idleFps
 *   (1 s with nothing happening: the best this browser gives); dragFps1000Zoom100 (the same drag
 *   after zooming to 100 %, zoom100Reached, with domNodesZoom100 nodes drawn).
 * - editorJsKbGzip: the JavaScript files under /_next/static that a cold load of the editor route
 *   requests (a new browser context: no HTTP cache, same session) until the canvas is ready plus
 *   1.5 s, each body gzipped with node:zlib at level 9, summed, in KiB, with Next's prefetches of
 *   other routes (Next-Router-Prefetch requests, for the sidebar's links) refused: the route's own
 *   JS (cross-checked against the build manifests on stderr). editorJsKbRaw: uncompressed;
 *   editorJsFiles: how many; editorJsKbGzipWithPrefetch: the same load with prefetches allowed.
 * - domNodes / domEdges: React Flow nodes and edges in the DOM after opening; domElements: all
 *   elements of the page; heapMb: the page's JS heap in use after opening (after a GC).
 *
 * Run it under the lock shared with the e2e suite, which builds into the same .next folder:
 *   flock /tmp/maestro-e2e.lock npm run bench:canvas
 * It takes about 45 s after the build. The figures vary by some 10 % between runs on a 2-core
 * machine, more when other processes run. BENCH_CANVAS_PROFILE=1 also writes CPU profiles of one
 * opening and one drag (.tmp/bench-canvas-{open,drag}.cpuprofile) and a timeline trace of a drag
 * (.tmp/bench-canvas-drag.trace.json), for Chrome DevTools' Performance panel.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Page,
} from "@playwright/test";
import { chain, makeNode, makeWorkflow } from "../engine/examples/build-workflow";
import type { WorkflowDocument } from "../engine/schema/workflow-document";
import { browserEnv, CHROMIUM_ARGS, resolveChromium } from "../e2e/browser";

const ROOT = join(__dirname, "..");
const PORT = Number(process.env.BENCH_CANVAS_PORT ?? 3200);
const BASE = `http://localhost:${PORT}`;
const DATA_DIR = ".tmp/bench-canvas-data";
const VIEWPORT = { width: 1440, height: 900 };
const OWNER = { email: "owner@demo.test", password: "demo-owner-pass" };
const PROFILE = process.env.BENCH_CANVAS_PROFILE === "1";

const NODE_COUNT = 1000;
const COLUMNS = 40;
const CELL = { x: 320, y: 160 };
const NODE_BOX = { width: 240, height: 96 }; // components/workflow-editor/layout.ts (NODE_WIDTH, NODE_HEIGHT)
const OPENINGS = 5;
const DRAGS = 3;
const DRAG_MS = 2_000;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (message: string) => process.stderr.write(`[bench:canvas] ${message}\n`);

/** input → t0 → … → t997 → output, row by row (each row reversed after the last, so every edge is short). */
function generateDocument(): WorkflowDocument {
  const ids = ["in", ...Array.from({ length: NODE_COUNT - 2 }, (_, i) => `t${i}`), "out"];
  const at = (index: number) => {
    const row = Math.floor(index / COLUMNS);
    const column = row % 2 ? COLUMNS - 1 - (index % COLUMNS) : index % COLUMNS;
    return { x: column * CELL.x, y: row * CELL.y };
  };
  const nodes = ids.map((id, index) => {
    const extras = { position: at(index) };
    if (id === "in")
      return makeNode(
        "input",
        id,
        { schema: { type: "object", properties: { n: { type: "number" } } } },
        extras,
      );
    if (id === "out") return makeNode("output", id, { name: "result" }, extras);
    return makeNode("transform", id, { template: { n: "{{input.n}}" } }, extras);
  });
  return makeWorkflow({ name: "Canvas bench", nodes, edges: chain(...ids) });
}

// ---------------------------------------------------------------------------------------------
// The app server

function startServer(): ChildProcess {
  rmSync(join(ROOT, DATA_DIR), { recursive: true, force: true });
  const env = {
    ...process.env,
    PORT: String(PORT),
    DATA_DIR,
    NEXTAUTH_URL: BASE,
    SEED_DEMO: "true",
    DATABASE_URL: "",
    REDIS_URL: "",
  };
  // A process group of its own, so the build or `next start` under start.mjs goes down with it.
  const server = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The server's output goes to stderr: stdout carries only the figures.
  server.stdout!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  server.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  return server;
}

async function stopServer(server: ChildProcess) {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    return;
  }
  const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!done) {
    try {
      process.kill(-server.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function waitForHealth(server: ChildProcess, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`the app server exited with code ${server.exitCode} before it was healthy`);
    try {
      const response = await fetch(`${BASE}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`${BASE}/api/health did not answer within ${timeoutMs / 1000} s`);
}

// ---------------------------------------------------------------------------------------------
// Through the app

async function signIn(page: Page) {
  await page.goto(`${BASE}/workflows`);
  await page.waitForURL(/\/signin/);
  await page.getByLabel("E-mail").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page
    .getByRole("navigation", { name: "Main", exact: true })
    .waitFor({ state: "visible", timeout: 30_000 });
}

/** A tRPC call over HTTP as the browser's client makes it (superjson: `{ json }` in, `result.data.json` out), with the page's session. */
async function trpc<T>(
  page: Page,
  path: string,
  input: unknown,
  kind: "query" | "mutation",
): Promise<T> {
  const url = `${BASE}/api/trpc/${path}`;
  const response =
    kind === "query"
      ? await page.request.get(
          `${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
        )
      : await page.request.post(url, { data: { json: input }, headers: { origin: BASE } }); // a change with the cookie must come from our origin
  const body = (await response.json()) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!response.ok() || body.result?.data?.json === undefined)
    throw new Error(
      `${path} failed (${response.status()}): ${JSON.stringify(body.error ?? body).slice(0, 500)}`,
    );
  return body.result.data.json;
}

async function createBenchWorkflow(page: Page, document: WorkflowDocument): Promise<string> {
  const created = await trpc<{ id: string }>(
    page,
    "workflow.create",
    { name: `Canvas bench ${Date.now()}` },
    "mutation",
  );
  const { version } = await trpc<{ version: number }>(
    page,
    "workflow.get",
    { id: created.id },
    "query",
  );
  await trpc(
    page,
    "workflow.saveDraft",
    { id: created.id, document, baseVersion: version },
    "mutation",
  );
  const saved = await trpc<{ document: WorkflowDocument }>(
    page,
    "workflow.get",
    { id: created.id },
    "query",
  );
  if (saved.document.nodes.length !== NODE_COUNT)
    throw new Error(`the saved draft has ${saved.document.nodes.length} nodes`);
  return created.id;
}

// ---------------------------------------------------------------------------------------------
// In the page

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Ready {
  at: number;
  zoom: number;
  rendered: number;
  mustRender: number;
  target: { id: string; x: number; y: number };
}

/**
 * Runs in the page every animation frame: the fitted viewport shown, and every node whose box lies
 * wholly inside the canvas rendered. Returns the node nearest the canvas's centre to click.
 */
function probeReady(boxes: Box[]): Ready | false {
  const pane = document.querySelector(".react-flow");
  const viewport = document.querySelector(".react-flow__viewport");
  if (!pane || !viewport) return false;
  const m = new DOMMatrixReadOnly(getComputedStyle(viewport).transform);
  const zoom = m.a;
  if (!(zoom < 1)) return false; // not fitted yet
  const rect = pane.getBoundingClientRect();
  // Boxes wholly inside the canvas (arithmetic only: no layout per node), and the one nearest its centre.
  const inside: Box[] = [];
  let target: Ready["target"] | null = null;
  let best = Infinity;
  for (const b of boxes) {
    const left = b.x * zoom + m.e;
    const top = b.y * zoom + m.f;
    if (
      left < 0 ||
      top < 0 ||
      left + b.width * zoom > rect.width ||
      top + b.height * zoom > rect.height
    )
      continue;
    inside.push(b);
    const x = rect.left + left + (b.width * zoom) / 2;
    const y = rect.top + top + (b.height * zoom) / 2;
    const d = (x - rect.left - rect.width / 2) ** 2 + (y - rect.top - rect.height / 2) ** 2;
    if (d < best) {
      best = d;
      target = { id: b.id, x, y };
    }
  }
  const elements = document.querySelectorAll(".react-flow__node");
  if (!target || elements.length < inside.length) return false;
  const rendered = new Set<string>();
  for (const el of elements) rendered.add(el.getAttribute("data-id") ?? "");
  if (!inside.every((b) => rendered.has(b.id))) return false;
  return {
    at: performance.now(),
    zoom,
    rendered: rendered.size,
    mustRender: inside.length,
    target,
  };
}

async function openEditor(page: Page, url: string, boxes: Box[]) {
  const wallStart = performance.now();
  await page.goto(url, { waitUntil: "commit" });
  const ready = (await (
    await page.waitForFunction(probeReady, boxes, { polling: "raf", timeout: 60_000 })
  ).jsonValue()) as Ready;
  await page.mouse.click(ready.target.x, ready.target.y);
  const selectedAt = (await (
    await page.waitForFunction(
      (id) =>
        document.querySelector(`.react-flow__node[data-id="${id}"]`)?.classList.contains("selected")
          ? performance.now()
          : false,
      ready.target.id,
      { polling: "raf", timeout: 30_000 },
    )
  ).jsonValue()) as number;
  return { ready, selectedAt, wallMs: performance.now() - wallStart };
}

/** Frames seen by requestAnimationFrame, and mouse moves the page handled, while `during` runs. */
async function recordFrames(
  page: Page,
  during: () => Promise<void>,
): Promise<{ frames: number[]; moves: number }> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __frames: number[];
      __moves: number;
      __recording: boolean;
      __onMove: () => void;
    };
    w.__frames = [];
    w.__moves = 0;
    w.__recording = true;
    w.__onMove = () => void w.__moves++;
    window.addEventListener("mousemove", w.__onMove, { capture: true });
    const tick = (t: number) => {
      if (!w.__recording) return;
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await during();
  return page.evaluate(() => {
    const w = window as unknown as {
      __frames: number[];
      __moves: number;
      __recording: boolean;
      __onMove: () => void;
    };
    w.__recording = false;
    window.removeEventListener("mousemove", w.__onMove, { capture: true });
    return { frames: w.__frames, moves: w.__moves };
  });
}

function frameStats(frames: number[]) {
  const intervals = frames.slice(1).map((t, i) => t - frames[i]!);
  const elapsed = frames.length > 1 ? frames.at(-1)! - frames[0]! : Infinity;
  return {
    fps: ((frames.length - 1) * 1000) / elapsed,
    p50: intervals.length ? median(intervals) : 0,
    max: Math.max(0, ...intervals),
  };
}

/** The rendered node nearest the canvas's centre. */
async function nodeNearCentre(page: Page) {
  const found = await page.evaluate(() => {
    const rect = document.querySelector(".react-flow")!.getBoundingClientRect();
    const cx = rect.left + rect.width / 2;
    const cy = rect.top + rect.height / 2;
    let best: { id: string; x: number; y: number; d: number } | null = null;
    for (const el of document.querySelectorAll(".react-flow__node")) {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const d = (x - cx) ** 2 + (y - cy) ** 2;
      if (r.width > 0 && (!best || d < best.d))
        best = { id: el.getAttribute("data-id") ?? "", x, y, d };
    }
    return best;
  });
  if (!found) throw new Error("no node is rendered");
  return found;
}

/**
 * Drags the node nearest the centre for DRAG_MS, a mouse move every ~8 ms, sent the way a real
 * mouse sends them: without waiting for the page (through CDP, not awaited one by one), so a slow
 * page gets its moves coalesced into fewer, later frames rather than fewer moves.
 */
async function dragOnce(page: Page, cdp: CDPSession) {
  const node = await nodeNearCentre(page);
  const style = () => page.locator(`.react-flow__node[data-id="${node.id}"]`).getAttribute("style");
  const before = await style();
  await page.mouse.move(node.x, node.y);
  const mouse = (type: "mousePressed" | "mouseMoved" | "mouseReleased", x: number, y: number) =>
    cdp.send("Input.dispatchMouseEvent", {
      type,
      x,
      y,
      button: "left",
      buttons: type === "mouseReleased" ? 0 : 1,
      clickCount: type === "mouseMoved" ? 0 : 1,
    });
  let moves = 0;
  let end = { x: node.x, y: node.y };
  const metricsBefore = await mainThreadMs(cdp);
  const recorded = await recordFrames(page, async () => {
    await mouse("mousePressed", node.x, node.y);
    const sent: Promise<unknown>[] = [];
    const start = performance.now();
    for (let elapsed = 0; elapsed < DRAG_MS; elapsed = performance.now() - start) {
      const angle = (elapsed / DRAG_MS) * 2 * Math.PI;
      // A loop of about 300 × 200 px that ends 60 px below where it began.
      end = {
        x: node.x + 150 * Math.sin(angle) + 40 * Math.sin(angle * 3),
        y: node.y + 100 * (1 - Math.cos(angle)) + (60 * elapsed) / DRAG_MS,
      };
      sent.push(mouse("mouseMoved", end.x, end.y));
      moves++;
      await sleep(8);
    }
    await Promise.all(sent);
    await mouse("mouseReleased", end.x, end.y);
  });
  const metricsAfter = await mainThreadMs(cdp);
  const spent = Object.fromEntries(
    Object.entries(metricsAfter).map(([key, value]) => [
      key,
      value - metricsBefore[key as keyof typeof metricsAfter],
    ]),
  ) as typeof metricsAfter;
  if (before === (await style())) throw new Error(`dragging ${node.id} did not move it`);
  // Let the end of the drag settle (undo step, live compile after 120 ms, autosave of the draft).
  await sleep(2_000);
  return { ...frameStats(recorded.frames), moves, handled: recorded.moves, spent };
}

/** The page's main-thread time so far by kind (Chromium's Performance domain), in ms. */
async function mainThreadMs(cdp: CDPSession) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return {
    task: get("TaskDuration"),
    script: get("ScriptDuration"),
    layout: get("LayoutDuration"),
    style: get("RecalcStyleDuration"),
  };
}

async function heapMb(cdp: CDPSession) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  return usedSize / (1024 * 1024);
}

async function profile<T>(cdp: CDPSession, name: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILE) return work();
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  const result = await work();
  const { profile: data } = await cdp.send("Profiler.stop");
  const file = join(ROOT, ".tmp", `bench-canvas-${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(data));
  log(`CPU profile written to ${file}`);
  return result;
}

/**
 * A browser context in the bench's window size. tsx (esbuild, keepNames) wraps named functions
 * in `__name(...)`, which functions sent to page.evaluate take along: the page gets a no-op one.
 */
async function newContext(browser: Browser, options: Parameters<Browser["newContext"]>[0] = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, ...options });
  await context.addInitScript("globalThis.__name = (target) => target;");
  return context;
}

/**
 * The JS files under /_next/static that a cold load of the editor route requests (a new context:
 * no HTTP cache, the same session), gzipped at level 9. With `refusePrefetch`, Next's prefetches of
 * other routes (requests carrying Next-Router-Prefetch, made for the sidebar's links) are refused,
 * so only the route's own JS is counted.
 */
async function coldLoadJs(
  browser: Browser,
  signedIn: BrowserContext,
  url: string,
  boxes: Box[],
  refusePrefetch: boolean,
) {
  const context = await newContext(browser, { storageState: await signedIn.storageState() });
  try {
    if (refusePrefetch) {
      await context.route("**/*", (route) => {
        const headers = route.request().headers();
        return headers["next-router-prefetch"] || headers["next-router-segment-prefetch"]
          ? route.abort()
          : route.continue();
      });
    }
    const page = await context.newPage();
    const pending: Promise<{ file: string; raw: number; gzip: number }>[] = [];
    page.on("response", (response) => {
      const { pathname } = new URL(response.url());
      if (!pathname.startsWith("/_next/static/") || !pathname.endsWith(".js")) return;
      pending.push(
        response.body().then((body) => ({
          file: pathname.slice("/_next/".length),
          raw: body.length,
          gzip: gzipSync(body, { level: 9 }).length,
        })),
      );
    });
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForFunction(probeReady, boxes, { polling: "raf", timeout: 60_000 });
    await sleep(1_500);
    const files = new Map((await Promise.all(pending)).map((f) => [f.file, f]));
    const kb = (key: "raw" | "gzip") =>
      round([...files.values()].reduce((total, f) => total + f[key], 0) / 1024);
    return { files, gzipKb: kb("gzip"), rawKb: kb("raw") };
  } finally {
    await context.close();
  }
}

/** What the build says the route loads: Next's root main files and the page's entry chunks (layouts included). */
function manifestJsFiles(): Set<string> | null {
  try {
    const build = JSON.parse(readFileSync(join(ROOT, ".next/build-manifest.json"), "utf8")) as {
      rootMainFiles: string[];
    };
    // The manifest is a script that sets globalThis.__RSC_MANIFEST[route].
    const sandbox: { __RSC_MANIFEST?: Record<string, { entryJSFiles: Record<string, string[]> }> } =
      {};
    runInNewContext(
      readFileSync(
        join(ROOT, ".next/server/app/(app)/workflows/[id]/page_client-reference-manifest.js"),
        "utf8",
      ),
      sandbox,
    );
    const manifest = sandbox.__RSC_MANIFEST!["/(app)/workflows/[id]/page"]!;
    return new Set([...build.rootMainFiles, ...Object.values(manifest.entryJSFiles).flat()]);
  } catch (error) {
    log(`could not read the build manifests (${String(error)})`);
    return null;
  }
}

async function measureEditorJs(
  browser: Browser,
  signedIn: BrowserContext,
  url: string,
  boxes: Box[],
) {
  const own = await coldLoadJs(browser, signedIn, url, boxes, true);
  const all = await coldLoadJs(browser, signedIn, url, boxes, false);
  const byGzip = (files: Iterable<{ file: string; raw: number; gzip: number }>) =>
    [...files].sort((a, b) => b.gzip - a.gzip);
  log(`the route's own JS (${own.files.size} files, ${own.gzipKb} KiB gzip), largest first:`);
  for (const f of byGzip(own.files.values()).slice(0, 8))
    log(
      `  ${(f.gzip / 1024).toFixed(1).padStart(6)} KiB gzip ${(f.raw / 1024).toFixed(1).padStart(6)} KiB  ${f.file}`,
    );
  log("loaded only through prefetches of other routes:");
  for (const f of byGzip([...all.files.values()].filter((f) => !own.files.has(f.file))))
    log(
      `  ${(f.gzip / 1024).toFixed(1).padStart(6)} KiB gzip ${(f.raw / 1024).toFixed(1).padStart(6)} KiB  ${f.file}`,
    );
  const manifest = manifestJsFiles();
  if (manifest) {
    const missing = [...manifest].filter((f) => !own.files.has(f));
    const extra = [...own.files.keys()].filter((f) => !manifest.has(f));
    log(
      `build manifest check: ${missing.length ? `not requested ${missing.join(", ")}` : "every manifest file requested"}; ${extra.length ? `requested beyond it (lazy chunks) ${extra.join(", ")}` : "nothing beyond it"}`,
    );
  }
  return {
    editorJsKbGzip: own.gzipKb,
    editorJsKbRaw: own.rawKb,
    editorJsFiles: own.files.size,
    editorJsKbGzipWithPrefetch: all.gzipKb,
  };
}

// ---------------------------------------------------------------------------------------------

async function measure(browser: Browser) {
  const generated = generateDocument();
  const boxes: Box[] = generated.nodes.map((n) => ({
    id: n.id,
    x: n.position!.x,
    y: n.position!.y,
    ...NODE_BOX,
  }));
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page);
  const workflowId = await createBenchWorkflow(page, generated);
  const url = `${BASE}/workflows/${workflowId}`;
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");

  log("opening the 1,000-node workflow");
  await openEditor(page, url, boxes); // warm-up: caches, JIT, the server's first render of the route
  const openings = [];
  for (let i = 0; i < OPENINGS; i++) openings.push(await openEditor(page, url, boxes));
  if (PROFILE) await profile(cdp, "open", () => openEditor(page, url, boxes));
  const last = openings.at(-1)!;
  const dom = await page.evaluate(() => ({
    domNodes: document.querySelectorAll(".react-flow__node").length,
    domEdges: document.querySelectorAll(".react-flow__edge").length,
    domElements: document.getElementsByTagName("*").length,
  }));
  const heap = await heapMb(cdp);

  log("dragging in the fitted view");
  const idle = frameStats((await recordFrames(page, () => sleep(1_000))).frames);
  const drags = [];
  for (let i = 0; i < DRAGS; i++) drags.push(await dragOnce(page, cdp));
  if (PROFILE) {
    await profile(cdp, "drag", () => dragOnce(page, cdp));
    // A timeline trace of one more drag: how its time splits into script, style, layout, paint and raster.
    await browser.startTracing(page, {
      categories: [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "v8",
        "blink",
        "cc",
        "gpu",
      ],
    });
    await dragOnce(page, cdp);
    const file = join(ROOT, ".tmp", "bench-canvas-drag.trace.json");
    writeFileSync(file, await browser.stopTracing());
    log(`timeline trace written to ${file}`);
  }

  log("dragging at 100 %");
  const rect = (await page.locator(".react-flow").boundingBox())!;
  await page.mouse.move(rect.x + rect.width / 2, rect.y + rect.height / 2);
  // React Flow's wheel zoom (@xyflow/system wheelDelta): a factor of 2^(-deltaY × 0.002).
  await page.mouse.wheel(0, Math.log2(last.ready.zoom) / 0.002);
  await sleep(1_000);
  const zoom100 = await page.evaluate(
    () =>
      new DOMMatrixReadOnly(
        getComputedStyle(document.querySelector(".react-flow__viewport")!).transform,
      ).a,
  );
  const domNodesZoom100 = await page.locator(".react-flow__node").count();
  const zoomed = await dragOnce(page, cdp);

  log("measuring the editor's JavaScript");
  const js = await measureEditorJs(browser, context, url, boxes);
  await context.close();

  return {
    open1000NodesMs: round(median(openings.map((o) => o.selectedAt))),
    openRenderedMs: round(median(openings.map((o) => o.ready.at))),
    clickToSelectMs: round(median(openings.map((o) => o.selectedAt - o.ready.at))),
    openWallMs: round(median(openings.map((o) => o.wallMs))),
    fittedZoom: round(last.ready.zoom, 3),
    dragFps1000: round(median(drags.map((d) => d.fps))),
    dragFrameMsP50: round(median(drags.map((d) => d.p50))),
    dragFrameMsMax: round(median(drags.map((d) => d.max))),
    dragMainThreadMs: round(median(drags.map((d) => d.spent.task))),
    dragScriptMs: round(median(drags.map((d) => d.spent.script))),
    dragStyleLayoutMs: round(median(drags.map((d) => d.spent.style + d.spent.layout))),
    dragMovesSent: median(drags.map((d) => d.moves)),
    dragMovesHandled: median(drags.map((d) => d.handled)),
    idleFps: round(idle.fps),
    dragFps1000Zoom100: round(zoomed.fps),
    zoom100Reached: round(zoom100, 3),
    ...js,
    ...dom,
    domNodesZoom100,
    heapMb: round(heap),
  };
}

async function main() {
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  // Never measure some other server that happens to listen on the port.
  const occupied = await fetch(`${BASE}/api/health`).then(
    () => true,
    () => false,
  );
  if (occupied)
    throw new Error(`something already answers on ${BASE}: stop it or set BENCH_CANVAS_PORT`);
  const server = startServer();
  const stop = () => void stopServer(server).then(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let browser: Browser | undefined;
  try {
    log(`starting the app on ${BASE} (builds first when the sources changed)`);
    await waitForHealth(server);
    browser = await chromium.launch({
      executablePath: await resolveChromium(),
      args: CHROMIUM_ARGS,
      env: { ...process.env, ...browserEnv(ROOT) },
    });
    const figures = await measure(browser);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await browser?.close().catch(() => undefined);
    await stopServer(server);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
