import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The project's own ESLint config, run on snippets placed at chosen paths: the layer rules of
// ARCHITECTURE.md hold, and each ban says why.
const eslint = new ESLint({ cwd: process.cwd() });

async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: file });
  return result!.messages
    .filter((message) => message.ruleId === "boundaries/dependencies" || message.fatal)
    .map((message) => message.message);
}

describe("the layer rules", { timeout: 60_000 }, () => {
  it.each([
    ["components/runs/x.tsx", 'import { compile } from "@/engine/compiler/compile-workflow";'],
    ["components/trpc/x.tsx", 'import type { AppRouter } from "@/server/api/root";'],
    ["components/runs/x.tsx", 'import { StatusBadge } from "@/components/shared/status-badge";'],
    ["components/runs/x.tsx", 'import { RunDialog } from "@/components/workflows";'],
    ["components/runs/x.tsx", 'import { RunRating } from "../learning";'],
    ["components/runs/x.tsx", 'import { StepDetail } from "./step-detail";'],
    ["app/api/trpc/x/route.ts", 'import { appRouter } from "@/server/api/root";'],
    ["app/api/v1/x/route.int.test.ts", 'import { EXAMPLES } from "@/engine/examples";'],
    ["app/api/v1/x/route.topic.int.test.ts", 'import { getEnv } from "@/server/env";'],
    ["server/services/x.ts", 'import { findUserById } from "@/server/repositories/users";'],
    ["server/services/x.test.ts", 'import { appRouter } from "@/server/api/root";'],
    ["server/api/routers/x.ts", 'import { pageInput } from "@/server/repositories/pagination";'],
    ["server/api/routers/x.ts", 'import type { Page } from "@/server/repositories/audit";'],
    ["db/seed.ts", 'import type { Plan } from "@/engine/schema/plan";'],
    ["engine/compiler/x.ts", 'import { z } from "zod"; import { y } from "../schema/plan";'],
    ["e2e/x.spec.ts", 'import { start } from "@/server/llm/testing/fake-openai-server";'],
    ["bench/canvas.ts", 'import { resolveChromium } from "../e2e/browser";'],
    ["bench/x.ts", 'import { runPlan } from "@/engine/runtime/run-plan";'],
  ])("%s may: %s", async (file, code) => {
    expect(await layerProblems(file, code)).toEqual([]);
  });

  it.each([
    ["components/x.tsx", 'import { getDatabase } from "@/server/db";', /runs in the browser/],
    ["components/ui/x.tsx", 'import { getEnv } from "../../server/env";', /through tRPC/],
    [
      "components/runs/x.tsx",
      'import { RunDialog } from "@/components/workflows/run-dialog";',
      /public widgets/,
    ],
    ["components/runs/x.tsx", 'import { RunRating } from "../learning/run-rating";', /index\.ts/],
    [
      "components/shared/x.tsx",
      'import { RunActions } from "@/components/runs";',
      /sit below the features/,
    ],
    ["app/(app)/runs/page.tsx", 'import { getDatabase } from "@/server/db";', /route handlers/],
    ["app/(app)/x/page.tsx", 'import { runPlan } from "@/engine/runtime/run-plan";', /composes/],
    ["app/api/v1/x/route.ts", 'import { EXAMPLES } from "@/engine/examples";', /composes/],
    ["engine/runtime/x.ts", 'import { getDatabase } from "@/server/db";', /pure core/],
    ["engine/runtime/x.ts", 'const m = await import("../../server/env");', /pure core/],
    ["db/client.ts", 'import { findUserById } from "@/server/repositories/users";', /Queries/],
    ["db/client.ts", 'import { runPlan } from "@/engine/runtime/run-plan";', /engine\/schema/],
    ["server/x.ts", 'import { Button } from "@/components/ui/button";', /UI code/],
    [
      "server/api/routers/x.ts",
      'import { findUserById } from "@/server/repositories/users";',
      /Routers are glue/,
    ],
    ["server/services/x.ts", 'import { appRouter } from "@/server/api/root";', /use cases/],
    [
      "server/repositories/x.ts",
      'import { listAudit } from "@/server/services/audit";',
      /lowest server layer/,
    ],
    ["e2e/x.spec.ts", 'import { getEnv } from "@/server/env";', /as a person would/],
    ["bench/x.ts", 'import { signIn } from "../e2e/helpers";', /e2e\/browser.ts/],
  ])("%s may not: %s", async (file, code, why) => {
    const problems = await layerProblems(file, code);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(why);
  });
});
