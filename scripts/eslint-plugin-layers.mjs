// The import rules of ARCHITECTURE.md ("Folders and what may import what"), as one ESLint rule.
// Each message says why the rule exists, so whoever trips on it learns the design, not just the ban.
import { dirname, relative, resolve, sep } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");

const WHY = {
  "components->server":
    "components/ runs in the browser, where the database, secrets and env do not exist. Reach the server through tRPC (useTRPC from components/trpc); `import type` of server types is fine.",
  "components->db":
    "components/ runs in the browser and must not touch the database. Ask the server through tRPC.",
  "engine->*":
    "engine/ is the pure core that runs in the browser and on the server alike: it may import only engine/ itself (and zod). Put code that touches the outside in server/ behind a port.",
  "app->server":
    "app/ pages stay thin and render on both sides: read data through tRPC. Only route handlers (app/api/**/route.ts) and their tests may import server/.",
  "app->db":
    "app/ never queries the database: go through a tRPC procedure, which calls a service, which calls a repository.",
  "app->engine":
    "app/ composes components; engine logic belongs in components (UI) or server (use cases).",
  "db->*":
    "db/ holds the schema, migrations and the client factory; it may import only engine/schema types. Queries belong in server/repositories.",
  "server->app":
    "server/ must not depend on Next pages or components: keep the use cases usable from tests, workers and scripts.",
  "server->components":
    "server/ must not depend on UI code: keep the use cases usable from tests, workers and scripts.",
  "bench->e2e":
    "bench/ may use e2e/browser.ts (finding Chromium without downloads) and nothing else from e2e/.",
  "e2e->*":
    "e2e/ drives the app as a person would, through the browser; it must not reach into the app's code.",
};

/** For each folder: the folders it may import, or a function deciding per import. */
const ALLOWED = {
  // A route handler's integration tests (route.int.test.ts, route.<topic>.int.test.ts) build their
  // data with the server's factories and the engine's examples.
  app: (target, ctx) =>
    target === "app" ||
    target === "components" ||
    (target === "server" &&
      /\/api\/.*\/route(\.[\w-]+)?(\.int\.test)?\.ts$/.test(ctx.file) &&
      !/\/route\.[\w-]+\.ts$/.test(ctx.file)) ||
    (target === "engine" && /\/api\/.*\/route(\.[\w-]+)?\.int\.test\.ts$/.test(ctx.file)),
  components: (target, ctx) =>
    target === "components" || target === "engine" || (target === "server" && ctx.isTypeOnly),
  engine: (target) => target === "engine",
  server: (target) => target === "server" || target === "engine" || target === "db",
  db: (target, ctx) =>
    target === "db" || (target === "engine" && ctx.path.startsWith("engine/schema")),
  // Test doubles of what cannot be reached from here (a fake OpenAI-compatible server) are shared with the server's tests.
  e2e: (target, ctx) => target === "e2e" || ctx.path.startsWith("server/llm/testing/"),
  // bench/ may borrow e2e/browser.ts (which Chromium, with which flags) to drive the canvas benchmark.
  bench: (target, ctx) =>
    ["bench", "engine", "server", "db"].includes(target) ||
    ctx.path === "e2e/browser" ||
    ctx.path === "e2e/browser.ts",
};
const FOLDERS = new Set([...Object.keys(ALLOWED), "scripts", "public"]);

function folderOf(path) {
  const first = path.split("/")[0];
  return first && FOLDERS.has(first) ? first : null;
}

const rule = {
  meta: {
    type: "problem",
    schema: [],
    docs: { description: "Enforce the folder layering of ARCHITECTURE.md" },
  },
  create(context) {
    const file = relative(root, context.filename).split(sep).join("/");
    const from = folderOf(file);
    if (!from || !ALLOWED[from]) return {};

    function check(node, source, isTypeOnly) {
      if (typeof source !== "string") return;
      let path;
      if (source.startsWith("@/")) path = source.slice(2);
      else if (source.startsWith("."))
        path = relative(root, resolve(dirname(context.filename), source))
          .split(sep)
          .join("/");
      else return; // packages: see no-restricted-imports for engine/
      const target = folderOf(path);
      if (!target || target === from) return;
      if (ALLOWED[from](target, { file, path, isTypeOnly })) return;
      const why =
        WHY[`${from}->${target}`] ??
        WHY[`${from}->*`] ??
        "See ARCHITECTURE.md, 'Folders and what may import what'.";
      context.report({ node, message: `${from}/ may not import ${target}/ ("${source}"). ${why}` });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value, node.importKind === "type"),
      ExportNamedDeclaration: (node) =>
        node.source && check(node, node.source.value, node.exportKind === "type"),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === "type"),
      ImportExpression: (node) =>
        node.source.type === "Literal" && check(node, node.source.value, false),
    };
  },
};

export default { rules: { "import-layers": rule } };
