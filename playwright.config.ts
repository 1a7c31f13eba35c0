import { defineConfig } from "@playwright/test";
import { browserEnv, CHROMIUM_ARGS } from "./e2e/browser";

// A port of its own and never an existing server, so the tests cannot talk to another app.
const PORT = 3100;
const baseURL = `http://localhost:${PORT}`;
const DATA_DIR = ".tmp/e2e-data";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1, // one app, one embedded database, shared demo data
  retries: 0,
  reporter: [["list"]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
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
    env: { PORT: String(PORT), DATA_DIR, NEXTAUTH_URL: baseURL, SEED_DEMO: "true", DATABASE_URL: "", REDIS_URL: "" },
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
