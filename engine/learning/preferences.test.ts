import { describe, expect, it } from "vitest";
import { BUILTIN_ENTRIES } from "../autonomy/__fixtures__/catalog";
import { analyzeTask } from "../autonomy/analyze-task";
import { emptyPatternDelta, learnPatternCorrection } from "../autonomy/pattern-delta";
import { planWorkflow, replanAs } from "../autonomy/plan-workflow";
import { PATTERN_MODEL } from "../autonomy/task-models";
import { buildDiscoveryIndex } from "../autonomy/server-discovery";
import { EXAMPLE_WORKFLOWS } from "../examples";
import {
  createPreferences,
  detectPattern,
  learnFromEdit,
  preferenceBias,
  serversOf,
} from "./preferences";

const index = buildDiscoveryIndex(BUILTIN_ENTRIES);

describe("detectPattern", () => {
  it("reads the pattern of each example workflow", () => {
    expect(detectPattern(EXAMPLE_WORKFLOWS["research-brief"])).toBe("chain");
    expect(detectPattern(EXAMPLE_WORKFLOWS["support-triage"])).toBe("router");
    expect(detectPattern(EXAMPLE_WORKFLOWS["code-review"])).toBe("parallel");
    expect(detectPattern(EXAMPLE_WORKFLOWS["launch-plan"])).toBe("orchestrator");
    expect(detectPattern(EXAMPLE_WORKFLOWS["customer-reply"])).toBe("evaluator-optimizer");
    expect(detectPattern(EXAMPLE_WORKFLOWS["travel-booking"])).toBe("swarm");
    expect(serversOf(EXAMPLE_WORKFLOWS["travel-booking"])).toEqual(new Set(["flights", "hotels"]));
  });
});

describe("learning from edits", () => {
  const proposal = planWorkflow("Fetch https://example.com and save it to page.md", { index });

  it("counts pattern, server and model changes", () => {
    const saved = replanAs(proposal, "single", {
      model: "claude-sonnet",
      serverNames: { fetch: "web" },
    }).document;
    const prefs = learnFromEdit(createPreferences(), proposal.document, saved);
    expect(prefs.edits).toBe(1);
    expect(prefs.patternChanges).toEqual({ "chain->single": 1 });
    expect(prefs.serversAdded).toEqual({ web: 1 });
    expect(prefs.serversRemoved).toEqual({ fetch: 1 });
    expect(prefs.modelChanges).toEqual({ "default->claude-sonnet": 1 });
  });

  it("turns habits into server and model biases; a changed pattern is learned once, by the pattern delta", () => {
    const saved = replanAs(proposal, "single", {
      model: "claude-sonnet",
      serverNames: { fetch: "web" },
    }).document;
    let prefs = createPreferences();
    for (let i = 0; i < 4; i++) prefs = learnFromEdit(prefs, proposal.document, saved);
    const bias = preferenceBias(prefs);
    expect(bias.serverBias.web).toBeGreaterThan(0);
    expect(bias.serverBias.fetch).toBeLessThan(0);
    expect(bias.preferredModel).toBe("claude-sonnet");
    expect(bias).not.toHaveProperty("patternBias");
    const task = "Fetch https://example.com and save it to page.md";
    // The edits' counters alone do not move the pattern: that is the delta's job.
    expect(planWorkflow(task, { index, preferences: bias }).decision.pattern).toBe("chain");
    const delta = learnPatternCorrection(
      emptyPatternDelta(),
      PATTERN_MODEL,
      analyzeTask(task).cues,
      detectPattern(saved),
    );
    const corrected = planWorkflow(task, { index, preferences: bias, patternDelta: delta });
    expect(corrected.decision.pattern).toBe("single");
    expect(corrected.decision.reasons.join(" ")).toMatch(/your corrections/);
  });

  it("changes nothing for a save without edits", () => {
    const prefs = learnFromEdit(createPreferences(), proposal.document, proposal.document);
    expect(preferenceBias(prefs)).toEqual({ serverBias: {} });
  });
});
