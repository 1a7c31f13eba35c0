import { describe, expect, it } from "vitest";
import type { StepView } from "./ordered-steps";
import { emptyStep } from "./run-state";
import { timelineBars } from "./timeline-bars";

const step = (stepId: string, startedAt: number | null, finishedAt: number | null): StepView => ({
  ...emptyStep(stepId),
  status: finishedAt != null ? "completed" : startedAt != null ? "running" : "pending",
  startedAt,
  finishedAt,
  label: stepId,
  dependsOn: [],
  inputs: [],
});

const MINUTE = 60_000;

describe("the run timeline's geometry", () => {
  it("spans a retry's own steps only: the steps it reused from the failed run are marked, not drawn twelve minutes wide", () => {
    const createdAt = 1_000_000;
    const steps = [
      step("fetch", createdAt - 12 * MINUTE, createdAt - 12 * MINUTE + 80),
      step("write", createdAt + 10, createdAt + 159),
    ];
    const chart = timelineBars(steps, {
      reusedBefore: createdAt,
      now: createdAt + 200,
      isLive: false,
    })!;
    expect(chart.spanMs).toBe(149);
    expect(chart.bars[0]).toMatchObject({ reused: true, width: 0 });
    expect(chart.bars[1]).toMatchObject({ reused: false, left: 0, width: 100, durationMs: 149 });
  });

  it("draws every step of a run that is not a retry, whatever its clock says", () => {
    const steps = [step("a", 100, 200), step("b", 200, 500), step("c", null, null)];
    const chart = timelineBars(steps, { reusedBefore: null, now: 1_000, isLive: false })!;
    expect(chart.spanMs).toBe(400);
    expect(chart.bars.map((b) => [b.left, b.width, b.reused])).toEqual([
      [0, 25, false],
      [25, 75, false],
      [0, 0, false],
    ]);
  });

  it("grows a running step's bar to now while the run is live, and says nothing before a step starts", () => {
    expect(
      timelineBars([step("a", null, null)], { reusedBefore: null, now: 5, isLive: true }),
    ).toBeNull();
    const chart = timelineBars([step("a", 1_000, null)], {
      reusedBefore: null,
      now: 1_500,
      isLive: true,
    })!;
    expect(chart.spanMs).toBe(500);
    expect(chart.bars[0]!.durationMs).toBe(500);
  });
});
