import { DEFAULT_BRANCH } from "../schema/node-ports";
import type { PlanStep } from "../schema/plan";
import type { RunEventOf } from "../schema/run-events";
import type { RunLedger } from "./run-ledger";
import type { PinnedOutput } from "./run-options";
import { createTally, type Outcome } from "./run-unit";
import { StepError } from "./step-error";

/**
 * What stands in for running a step: a pinned output, a person's decision on an interrupted step,
 * and what a step that waits for a person asks of them.
 */

export type WaitingFor = RunEventOf<"run.waiting">["waitingFor"][number];

/** Which port a pinned or fallback output leaves by when the step itself would have chosen one. */
export function pickDefaultPort(step: PlanStep, pinned?: PinnedOutput): string {
  if (pinned?.port) return pinned.port;
  if (step.kind === "router") return DEFAULT_BRANCH;
  if (step.kind === "condition") return pinned ? "true" : "false";
  if (step.kind === "human-approval") return "approved";
  return "out";
}

/** A pinned step: started and finished at once with its pinned output, nothing called. */
export function pinnedOutcome(ledger: RunLedger, step: PlanStep, pinned: PinnedOutput): Outcome {
  const at = ledger.clock.now();
  ledger.emit({
    type: "step.started",
    runId: ledger.runId,
    at,
    stepId: step.id,
    kind: step.kind,
    attempt: 1,
  });
  return {
    output: pinned.output,
    port: pickDefaultPort(step, pinned),
    attempts: 1,
    startedAt: at,
    tally: createTally(),
    pinned: true,
  };
}

/** A person chose to skip an interrupted step: it counts as done with no output, and nothing is sent. */
export function skippedOutcome(ledger: RunLedger, step: PlanStep): Outcome {
  return {
    output: null,
    port: pickDefaultPort(step),
    attempts: 0,
    startedAt: ledger.clock.now(),
    tally: createTally(),
    pinned: false,
  };
}

/** A person chose to fail the run at an interrupted step. */
export function failInterrupted(): never {
  throw new StepError(
    "STEP_INTERRUPTED",
    "The step was interrupted when its worker stopped, and a person chose to fail the run",
    false,
  );
}

/** An interrupted step that is not safe to repeat: its call may have gone out, so a person decides. */
export function interruptedRequest(step: PlanStep): WaitingFor {
  const name = step.label ?? step.id;
  const message =
    `"${name}" was interrupted when its worker stopped, and it is marked not safe to repeat: its call may already have been made. ` +
    "Retry it (the call is sent again), skip it (the run goes on without its output) or fail the run.";
  return { stepId: step.id, message, approvers: [], reason: "interrupted" };
}
