import { describe, expect, it } from "vitest";
import { getMetrics, observeRunEvent, reportQueueDepth } from "./metrics";

describe("run metrics for Prometheus", () => {
  it("counts and times runs and steps by kind and status, and reports the queue depth", async () => {
    const kinds = new Map<string, string>();
    const base = { runId: "r1", at: 0 };
    const totals = { durationMs: 1500, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0 };
    observeRunEvent(
      { ...base, type: "step.started", stepId: "ask", kind: "llm", attempt: 1 },
      kinds,
    );
    observeRunEvent(
      {
        ...base,
        type: "step.failed",
        stepId: "ask",
        attempt: 1,
        error: { code: "X", message: "x" },
        ...totals,
      },
      kinds,
    );
    observeRunEvent(
      { ...base, type: "run.failed", error: { code: "X", message: "x" }, ...totals },
      kinds,
    );
    reportQueueDepth(async () => ({ waiting: 3, active: 1 }));

    const text = await getMetrics().registry.metrics();
    expect(text).toMatch(/^maestro_steps_finished_total\{kind="llm",status="failed"\} 1$/m);
    expect(text).toMatch(/^maestro_step_duration_seconds_sum\{kind="llm",status="failed"\} 1\.5$/m);
    expect(text).toMatch(/^maestro_runs_finished_total\{status="failed"\} 1$/m);
    expect(text).toMatch(/^maestro_run_queue_depth\{state="waiting"\} 3$/m);
    expect(text).toMatch(/^maestro_run_queue_depth\{state="active"\} 1$/m);
  });
});
