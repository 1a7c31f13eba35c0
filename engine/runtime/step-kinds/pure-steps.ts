import { DEFAULT_BRANCH } from "../../schema/node-ports";
import type { PlanStep, StepConfig } from "../../schema/plan";
import type { StepResult, StepScope } from "../step-scope";
import { StepError } from "../step-error";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Combines the outputs of a join's live branches, in edge order.
 * concat: strings joined by the separator, otherwise one list (arrays spliced in) · merge: objects
 * merged, later branches winning · vote: the most common output, the earliest branch breaking ties.
 * @example aggregateBranches({ aggregator: "vote", … }, ["yes", "no", "yes"]) // → "yes"
 */
export function aggregateBranches(
  config: StepConfig<"join">,
  outputs: readonly unknown[],
): unknown {
  switch (config.aggregator) {
    case "concat":
      if (outputs.every((o) => typeof o === "string")) return outputs.join(config.separator);
      return outputs.flatMap((o) => (Array.isArray(o) ? o : [o]));
    case "merge": {
      const merged: Record<string, unknown> = {};
      outputs.forEach((output, i) => {
        if (!isPlainObject(output)) {
          throw new StepError(
            "AGGREGATE_FAILED",
            `merge needs objects, but branch ${i + 1} produced ${typeof output}`,
            false,
          );
        }
        Object.assign(merged, output);
      });
      return merged;
    }
    case "vote": {
      const counts = new Map<string, { count: number; value: unknown }>();
      let best: { count: number; value: unknown } | undefined;
      for (const output of outputs) {
        const key = JSON.stringify(output) ?? "undefined";
        const entry = counts.get(key) ?? { count: 0, value: output };
        entry.count++;
        counts.set(key, entry);
        if (!best || entry.count > best.count) best = entry;
      }
      return best?.value ?? null;
    }
    case "llm-summary":
      throw new StepError("AGGREGATE_FAILED", "llm-summary is not a pure aggregator", false);
  }
}

/**
 * Steps that need no port run synchronously, so a plan of them costs no more than its bookkeeping.
 * @example executePureStep(conditionStep, scope) // → { output: scope.value, port: "true" }
 */
export function executePureStep(step: PlanStep, scope: StepScope): StepResult {
  switch (step.kind) {
    case "input":
      return { output: scope.input };
    case "parallel":
      return { output: scope.value };
    case "transform":
      return { output: scope.render(step.config.template) };
    case "condition":
      return { output: scope.value, port: scope.test(step.config.when) ? "true" : "false" };
    case "router": {
      const branch = step.config.branches.find((b) => b.when !== null && scope.test(b.when));
      return { output: scope.value, port: branch?.name ?? DEFAULT_BRANCH };
    }
    case "join":
      return { output: aggregateBranches(step.config, scope.liveInputs) };
    case "human-approval": {
      const decision = scope.approval;
      if (!decision)
        throw new StepError("APPROVAL_MISSING", "This step waits for a decision", false);
      return {
        output: {
          approved: decision.approved,
          comment: decision.comment ?? null,
          decidedBy: decision.decidedBy ?? null,
          value: scope.value,
        },
        port: decision.approved ? "approved" : "rejected",
      };
    }
    case "output":
      return { output: step.config.value === null ? scope.value : scope.render(step.config.value) };
    default:
      throw new StepError("NOT_PURE", `A ${step.kind} step needs an LLM or tools`, false);
  }
}
