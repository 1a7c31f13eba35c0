import type { RunError } from "../schema/run-events";

/** Why a step failed, with whether trying again could help (a timeout might; a bad binding never). */
export class StepError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly retryable: boolean,
  ) {
    super(message);
    this.name = "StepError";
  }
}

export const createCancelledError = (reason = "The run was cancelled") =>
  new StepError("CANCELLED", reason, false);

/**
 * Wraps whatever a port threw: port failures are usually transient, so they may be retried.
 * @example toStepError(new Error("socket hang up")) // → StepError STEP_FAILED, retryable
 */
export function toStepError(error: unknown): StepError {
  if (error instanceof StepError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StepError("STEP_FAILED", message || "The step failed", true);
}

export function toRunError(error: StepError, stepId?: string): RunError {
  return stepId === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, stepId };
}
