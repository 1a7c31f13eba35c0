import type { ApprovalDecision } from "./step-scope";

/** What a person chose for an interrupted step that is not safe to repeat. */
export type InterruptionDecision = "retry" | "skip" | "fail";
export const INTERRUPTION_DECISIONS = [
  "retry",
  "skip",
  "fail",
] as const satisfies readonly InterruptionDecision[];

export type PinnedOutput = { output: unknown; port?: string };

export type RunOptions = {
  runId: string;
  /** Cancels the run: in-flight steps are aborted and the run ends with run.cancelled. */
  signal?: AbortSignal;
  /** Outputs to use instead of running these steps (by step id); no LLM or tool is called for them. */
  pinnedOutputs?: Record<string, PinnedOutput>;
  /** Decisions for human-approval steps (by step id), given when resuming a waiting run. */
  approvals?: Record<string, ApprovalDecision>;
  /**
   * Steps that had started but not finished when the run's last worker stopped. They run again,
   * except those not safe to repeat: these wait for a person (run.waiting, reason "interrupted")
   * unless `interruptionDecisions` holds what the person chose.
   */
  interruptedSteps?: readonly string[];
  interruptionDecisions?: Record<string, InterruptionDecision>;
  /** Refuse every LLM and tool call: steps that would make one must be pinned, or they fail. */
  dryRun?: boolean;
};
