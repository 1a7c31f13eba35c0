import type { Plan } from "@/engine/schema/plan";
import { emptyStep, type RunState, type StepState } from "./run-state";

export interface StepView extends StepState {
  label: string;
  dependsOn: string[];
  /** The plan's input edges, to show what a step reads. */
  inputs: { step: string; port: string }[];
}

/** The plan's steps in plan order (pending ones too), then any dynamic steps the run added. */
export function orderSteps(plan: Plan | null, state: RunState): StepView[] {
  const views: StepView[] = [];
  const seen = new Set<string>();
  for (const step of plan?.steps ?? []) {
    if (step.isFallback && !state.steps.has(step.id)) continue;
    seen.add(step.id);
    const current = state.steps.get(step.id) ?? emptyStep(step.id);
    // A skipped step never started, so only the plan knows its kind.
    views.push({
      ...current,
      kind: current.kind ?? step.kind,
      label: step.label ?? step.id,
      dependsOn: step.dependsOn,
      inputs: step.inputs,
    });
  }
  for (const step of state.steps.values()) {
    if (seen.has(step.stepId)) continue;
    views.push({
      ...step,
      label: step.stepId,
      dependsOn: step.parentStepId ? [step.parentStepId] : [],
      inputs: [],
    });
  }
  return views;
}
