import { defineConfig } from "@playwright/test";
import { browserEnv, CHROMIUM_ARGS } from "./e2e/browser";

// A port of its own and never an existing server, so the tests cannot talk to another app
// (E2E_PORT moves it, e.g. for a second checkout testing beside this one).
const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${PORT}`;
const DATA_DIR = ".tmp/e2e-data";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1, // one app, one embedded database, shared demo data
  retries: 0,
  reporter: [["list"]],
  // Ceilings for a test that is broken, not the time a step takes: every wait is on a state, so a
  // passing run takes no longer for them, and a busy machine (`npm run test:e2e:load`, CI beside
  // other jobs) needs several times the idle figures. Long tests say `test.slow()` (three times).
  timeout: 90_000,
  expect: { timeout: 30_000 },
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL,
    browserName: "chromium",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM_EXECUTABLE,
      args: CHROMIUM_ARGS,
      env: { ...process.env, ...browserEnv(process.cwd()) },
    },
  },
  webServer: {
    // A fresh embedded database every run, seeded with the demo data.
    command: `node -e "require('fs').rmSync('${DATA_DIR}',{recursive:true,force:true})" && node scripts/start.mjs`,
    url: `${baseURL}/api/health`,
    env: {
      PORT: String(PORT),
      DATA_DIR,
      NEXTAUTH_URL: baseURL,
      SEED_DEMO: "true",
      DATABASE_URL: "",
      REDIS_URL: "",
      // e2e/elicitation.spec.ts starts its SDK test server with node.
      MCP_ALLOWED_COMMANDS: "node",
    },
    reuseExistingServer: false,
    // A ceiling, not a wait: start.mjs builds first when the sources changed, which takes minutes
    // on a busy machine (`npm run test:e2e:load`); the tests start as soon as /api/health answers.
    timeout: 600_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
