import { describe, expect, it } from "vitest";
import { analyzeTask } from "./analyze-task";
import { decidePattern } from "./decide-pattern";
import type { LinearModel } from "./linear-model";
import { PATTERNS } from "./vocabulary";

describe("decidePattern", () => {
  it("picks a pattern with reasons and a confidence", () => {
    const decision = decidePattern(
      analyzeTask(
        "Route each incoming webhook event to the billing handler, the shipping handler or the fraud handler",
      ),
    );
    expect(decision.pattern).toBe("router");
    expect(decision.confidence).toBeGreaterThan(0.8);
    expect(decision.reasons[0]).toMatch(/^router: /);
  });

  it("falls back to a single agent without structural signals", () => {
    expect(decidePattern(analyzeTask("Summarize the schema of inventory.db")).pattern).toBe(
      "single",
    );
  });

  it("prefers the explicit shape to the generic chain", () => {
    const task =
      "Plan and carry out a competitive analysis of three note-taking apps: choose the criteria, research each app online and write the comparison";
    expect(decidePattern(analyzeTask(task)).pattern).toBe("orchestrator");
  });

  it("takes a chain only when no explicit shape reaches its threshold", () => {
    const pattern = (task: string) => decidePattern(analyzeTask(task)).pattern;
    // Steps in order that loop to a bar, decompose, investigate or send items on are those shapes.
    expect(
      pattern(
        "Write a query against subscriptions.db, run it, compare the result with last month and keep fixing it until it matches",
      ),
    ).toBe("evaluator-optimizer");
    expect(
      pattern(
        "Write a design doc for a rate limiter: decide which sections it needs, draft each one, and stitch them together",
      ),
    ).toBe("orchestrator");
    expect(
      pattern(
        "Checkout conversions fell. Figure out why using the orders in sales.db and the live checkout in a browser, then report back",
      ),
    ).toBe("orchestrator");
    expect(
      pattern(
        "Triage new issues in the app repo: bugs go to the bug-fix agent and questions to the docs agent",
      ),
    ).toBe("router");
    expect(
      pattern(
        "Log into https://demo.test, go to Settings, switch the theme to dark and check it stays after a reload",
      ),
    ).toBe("chain");
    expect(
      pattern(
        "Research where CRISPR therapies stand in clinical trials and write an overview with sources",
      ),
    ).toBe("orchestrator");
  });

  // A model that finds "chain" and "single" almost equally likely for this task: the learned
  // success rates' job is to settle such close calls, whatever the trained weights say today.
  const closeCall = analyzeTask(
    "Download the report from https://example.com/q3.pdf and save it in the reports folder",
  );
  const undecided: LinearModel = {
    kind: "softmax",
    labels: [...PATTERNS],
    bias: PATTERNS.map((p) => (p === "chain" ? 0.3 : p === "single" ? 0 : -4)),
    weights: {},
  };

  it("lets learned success rates overrule a close call, and says so", () => {
    const heuristic = decidePattern(closeCall, { model: undecided });
    const other = heuristic.runnerUp;
    expect([heuristic.pattern, other]).toEqual(["chain", "single"]);
    const decision = decidePattern(closeCall, {
      model: undecided,
      learned: { [heuristic.pattern]: { alpha: 11, beta: 31 }, [other]: { alpha: 35, beta: 7 } },
    });
    expect(decision.pattern).toBe(other);
    expect(decision.learnedOverride).toBe(true);
    expect(decision.reasons[0]).toMatch(/^learned: /);
  });

  it("ignores learning without enough evidence or when the call is clear", () => {
    const heuristic = decidePattern(closeCall, { model: undecided });
    const thin = decidePattern(closeCall, {
      model: undecided,
      learned: {
        [heuristic.pattern]: { alpha: 1, beta: 4 },
        [heuristic.runnerUp]: { alpha: 4, beta: 1 },
      },
    });
    expect(thin.pattern).toBe(heuristic.pattern);
    const clear = analyzeTask(
      "Write a haiku about autumn and polish it until a critic rates it excellent",
    );
    const strong = decidePattern(clear, {
      learned: { "evaluator-optimizer": { alpha: 11, beta: 31 }, single: { alpha: 35, beta: 7 } },
    });
    expect(strong.pattern).toBe("evaluator-optimizer");
  });
});
