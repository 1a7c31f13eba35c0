import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, describe, it } from "vitest";
import layers from "./eslint-plugin-layers.mjs";

// RuleTester runs its cases through whatever test framework it is given.
Object.assign(RuleTester, { afterAll, describe, it });

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, sourceType: "module" },
});
const at = (path: string) => `${process.cwd()}/${path}`;
const rule = layers.rules["import-layers"];

tester.run("layers/import-layers", rule, {
  valid: [
    {
      filename: at("components/runs/x.tsx"),
      code: 'import { compile } from "@/engine/compiler/compile-workflow";',
    },
    {
      filename: at("components/trpc/react.tsx"),
      code: 'import type { AppRouter } from "@/server/api/root";',
    },
    {
      filename: at("app/api/trpc/[trpc]/route.ts"),
      code: 'import { appRouter } from "@/server/api/root";',
    },
    {
      filename: at("server/services/x.ts"),
      code: 'import { workflows } from "@/db/schema"; import { AppError } from "../../engine/errors";',
    },
    { filename: at("db/seed.ts"), code: 'import type { Plan } from "@/engine/schema/plan";' },
    {
      filename: at("engine/compiler/x.ts"),
      code: 'import { z } from "zod"; import { y } from "../schema/plan";',
    },
    {
      filename: at("e2e/editor.spec.ts"),
      code: 'import { startFakeOpenAiServer } from "@/server/llm/testing/fake-openai-server";',
    },
    { filename: at("bench/canvas.ts"), code: 'import { resolveChromium } from "../e2e/browser";' },
  ],
  invalid: [
    {
      filename: at("components/x.tsx"),
      code: 'import { getDatabase } from "@/server/db";',
      errors: [{ message: /components\/ may not import server\/.*runs in the browser/ }],
    },
    {
      filename: at("components/ui/x.tsx"),
      code: 'import { getEnv } from "../../server/env";',
      errors: [{ message: /components\/ may not import server\// }],
    },
    {
      filename: at("app/(app)/runs/page.tsx"),
      code: 'import { getDatabase } from "@/server/db";',
      errors: [{ message: /Only route handlers/ }],
    },
    {
      filename: at("engine/runtime/x.ts"),
      code: 'import { getDatabase } from "@/server/db";',
      errors: [{ message: /engine\/ is the pure core/ }],
    },
    {
      filename: at("engine/runtime/x.ts"),
      code: 'const m = await import("../../server/env");',
      errors: [{ message: /engine\/ may not import server\// }],
    },
    {
      filename: at("db/client.ts"),
      code: 'import { findRuns } from "@/server/repositories/runs";',
      errors: [{ message: /Queries belong in server\/repositories/ }],
    },
    {
      filename: at("db/client.ts"),
      code: 'import { runPlan } from "@/engine/runtime/run-plan";',
      errors: [{ message: /only engine\/schema types/ }],
    },
    {
      filename: at("server/x.ts"),
      code: 'import { Button } from "@/components/ui/button";',
      errors: [{ message: /server\/ must not depend on UI code/ }],
    },
    {
      filename: at("e2e/x.spec.ts"),
      code: 'import { startRun } from "@/server/services/runs";',
      errors: [{ message: /e2e\/ drives the app as a person would/ }],
    },
    {
      filename: at("bench/x.ts"),
      code: 'import { signIn } from "../e2e/helpers";',
      errors: [{ message: /bench\/ may use e2e\/browser.ts/ }],
    },
  ],
});
