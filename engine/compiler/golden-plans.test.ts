import { describe, expect, it } from "vitest";
import { EXAMPLE_TOOL_CATALOG, EXAMPLE_WORKFLOWS } from "../examples";
import { PlanSchema } from "../schema/plan";
import { compileWorkflow } from "./compile-workflow";

// Each example compiles to the plan pinned in __golden__/. After an intended change to the plan,
// review the diff and regenerate with: npx vitest run --project unit engine/compiler -u
describe("golden plans", () => {
  for (const [slug, doc] of Object.entries(EXAMPLE_WORKFLOWS)) {
    it(`${slug} compiles to its pinned plan`, async () => {
      const result = compileWorkflow(doc, { toolCatalog: EXAMPLE_TOOL_CATALOG });
      expect(result.ok ? [] : result.errors).toEqual([]);
      expect(result.warnings).toEqual([]);
      if (!result.ok) return;
      expect(PlanSchema.parse(result.plan)).toEqual(result.plan);
      await expect(`${JSON.stringify(result.plan, null, 2)}\n`).toMatchFileSnapshot(
        `__golden__/${slug}.plan.json`,
      );
    });
  }
});
