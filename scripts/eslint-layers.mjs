// The import rules of ARCHITECTURE.md ("Folders and what may import what"), as the settings and
// policies of eslint-plugin-boundaries. Every forbidden arrow is one policy whose message says why
// the rule exists, so whoever trips on it learns the design, not just the ban. Later policies
// override earlier ones: each exception follows the ban it relaxes.

const WHY = {
  componentsToServer:
    "components/ runs in the browser, where the database, secrets and env do not exist. Reach the server through tRPC (useTRPC from components/trpc); `import type` of server types is fine.",
  componentsToDb:
    "components/ runs in the browser and must not touch the database. Ask the server through tRPC.",
  engineToAny:
    "engine/ is the pure core that runs in the browser and on the server alike: it may import only engine/ itself (and zod). Put code that touches the outside in server/ behind a port.",
  appToServer:
    "app/ pages stay thin and render on both sides: read data through tRPC. Only route handlers (app/api/**/route.ts) and their tests may import server/.",
  appToDb:
    "app/ never queries the database: go through a tRPC procedure, which calls a service, which calls a repository.",
  appToEngine:
    "app/ composes components; engine logic belongs in components (UI) or server (use cases).",
  dbToAny:
    "db/ holds the schema, migrations and the client factory; it may import only engine/schema types. Queries belong in server/repositories.",
  featureToFeature:
    "A feature's components are its own: another feature may use only what it exports from its index.ts (its public widgets). A helper several features need belongs in components/shared.",
  commonToFeature:
    "components/ui, components/shared and components/trpc sit below the features and are used by all of them: they may not import a feature. Move what they need into components/shared.",
  serverToUi:
    "server/ must not depend on Next pages or UI code: keep the use cases usable from tests, workers and scripts.",
  routersToRepositories:
    "Routers are glue: validate input, name the permission, call one service function. Reading or writing through a repository here skips the service's rules (tenancy, quotas, audit): add or use a service function. `import type` is fine.",
  servicesToRouters:
    "Services hold the use cases and must not depend on the tRPC layer that calls them (workers, scripts and REST handlers call them too). Put shared types in server/services/context.ts.",
  repositoriesUp:
    "Repositories are the lowest server layer: queries over db/ and nothing else. A repository that calls a service or router turns the layering into a loop; pass what it needs as arguments.",
  benchToAny:
    "bench/ measures engine/, server/ and db/ code, and the app over HTTP or in a browser; of e2e/ it may use e2e/browser.ts (finding Chromium without downloads) and nothing else.",
  e2eToAny:
    "e2e/ drives the app as a person would, through the browser; it must not reach into the app's code.",
};

/** What each top-level folder is; the first matching descriptor names a file's element. */
export const layerSettings = {
  "import/resolver": { typescript: { project: "./tsconfig.json" } },
  "boundaries/dependency-nodes": ["import", "export", "dynamic-import"],
  "boundaries/elements": [
    { type: "routers", pattern: "server/api", partialMatch: false },
    { type: "services", pattern: "server/services", partialMatch: false },
    { type: "repositories", pattern: "server/repositories", partialMatch: false },
    { type: "server", pattern: "server", partialMatch: false },
    { type: "app", pattern: "app", partialMatch: false },
    // Below the features: primitives, the tRPC client and what several features share.
    { type: "components-common", pattern: "components/ui", partialMatch: false },
    { type: "components-common", pattern: "components/trpc", partialMatch: false },
    { type: "components-common", pattern: "components/shared", partialMatch: false },
    // One element per feature folder (components/runs, components/workflow-editor, …).
    { type: "feature", pattern: "components/*", partialMatch: false, capture: ["feature"] },
    { type: "components-common", pattern: "components", partialMatch: false },
    { type: "engine", pattern: "engine", partialMatch: false },
    { type: "db", pattern: "db", partialMatch: false },
    { type: "e2e", pattern: "e2e", partialMatch: false },
    { type: "bench", pattern: "bench", partialMatch: false },
    { type: "scripts", pattern: "scripts", partialMatch: false },
  ],
  "boundaries/files": [
    { category: "test", pattern: "**/*.test.ts" },
    { category: "route-handler", pattern: "app/api/**/route.ts" },
    // A route handler's integration tests (route.int.test.ts, route.<topic>.int.test.ts) build
    // their data with the server's factories and the engine's examples.
    { category: "route-test", pattern: "app/api/**/route{,.*}.int.test.ts" },
  ],
};

const SERVER = ["routers", "services", "repositories", "server"];
const COMPONENTS = ["feature", "components-common"];
const from = (type, file) => ({ element: { type }, ...(file ? { file } : {}) });
const to = (types, extra = {}) => ({ element: { types, ...extra } });

export const layerPolicies = {
  default: "allow",
  checkInternals: false,
  policies: [
    {
      from: from(COMPONENTS),
      disallow: { to: to(SERVER), dependency: { kind: "value" } },
      message: WHY.componentsToServer,
    },
    { from: from(COMPONENTS), disallow: { to: to("db") }, message: WHY.componentsToDb },
    { from: from("feature"), disallow: { to: to("feature") }, message: WHY.featureToFeature },
    { from: from("feature"), allow: { to: to("feature", { fileInternalPath: "index.ts" }) } },
    {
      from: from("components-common"),
      disallow: { to: to("feature") },
      message: WHY.commonToFeature,
    },
    { from: from("engine"), disallow: { to: to("!engine") }, message: WHY.engineToAny },
    { from: from("app"), disallow: { to: to(SERVER) }, message: WHY.appToServer },
    {
      from: from("app", { categories: ["route-handler", "route-test"] }),
      allow: { to: to(SERVER) },
    },
    { from: from("app"), disallow: { to: to("db") }, message: WHY.appToDb },
    { from: from("app"), disallow: { to: to("engine") }, message: WHY.appToEngine },
    { from: from("app", { categories: "route-test" }), allow: { to: to("engine") } },
    { from: from("db"), disallow: { to: to("!db") }, message: WHY.dbToAny },
    { from: from("db"), allow: { to: to("engine", { fileInternalPath: "schema/**" }) } },
    ...SERVER.map((type) => ({
      from: from(type),
      disallow: { to: to(["app", ...COMPONENTS]) },
      message: WHY.serverToUi,
    })),
    {
      from: from("routers"),
      disallow: { to: to("repositories"), dependency: { kind: "value" } },
      message: WHY.routersToRepositories,
    },
    // The page vocabulary (the `pageInput` schema and cursors) is shared by routers and repositories.
    {
      from: from("routers"),
      allow: { to: to("repositories", { fileInternalPath: "pagination.ts" }) },
    },
    { from: from("services"), disallow: { to: to("routers") }, message: WHY.servicesToRouters },
    {
      from: from("repositories"),
      disallow: { to: to(["services", "routers"]) },
      message: WHY.repositoriesUp,
    },
    // Tests drive a layer through the one above it (a service's test calls its router).
    { from: from(SERVER, { categories: "test" }), allow: { to: to(SERVER) } },
    { from: from("bench"), disallow: { to: to("!bench") }, message: WHY.benchToAny },
    { from: from("bench"), allow: { to: to(["engine", "server", ...SERVER, "db"]) } },
    { from: from("bench"), allow: { to: to("e2e", { fileInternalPath: "browser.ts" }) } },
    { from: from("e2e"), disallow: { to: to("!e2e") }, message: WHY.e2eToAny },
    // Test doubles of what cannot be reached from here (a fake OpenAI-compatible server) are shared,
    { from: from("e2e"), allow: { to: to("server", { fileInternalPath: "llm/testing/**" }) } },
    // And a local MCP Registry (the registry a tenant syncs its catalog from), with its generator.
    {
      from: from("e2e"),
      allow: { to: to("server", { fileInternalPath: "mcp/testing/registry-*" }) },
    },
    // And a local OAuth authorization server with the MCP server it protects.
    {
      from: from("e2e"),
      allow: { to: to("server", { fileInternalPath: "mcp/testing/oauth-*" }) },
    },
  ],
};
