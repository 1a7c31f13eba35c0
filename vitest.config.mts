import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import type { Reporter } from "vitest/node";

const alias = { "@": fileURLToPath(new URL("./", import.meta.url)) };

/**
 * Repeats each unhandled error in a few lines after the summary: a CI log is often read from its
 * end, where the default reporter's full report of it has scrolled away.
 */
const unhandledErrorsLast: Reporter = {
  onTestRunEnd(_modules, errors) {
    for (const error of errors) {
      const where = (error as { VITEST_TEST_PATH?: string }).VITEST_TEST_PATH ?? "no test file";
      const frames = (error.stack ?? "").split("\n").slice(1, 6).join("\n");
      console.error(
        `Unhandled error while running ${where}: ${error.name ?? "Error"}: ${error.message}\n${frames}`,
      );
    }
  },
};

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ["default", unhandledErrorsLast],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{engine,server,db,components,scripts}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
          // A timeout catches a hang, not slowness: the leave-writers-out and 5,000-entry registry
          // tests take 1-3 s alone and timed out at the default 5 s on a loaded 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["{server,db,app}/**/*.int.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
