import { describe, expect, it } from "vitest";
import { recordedHistory } from "./recorded-history";
import { replayHistory } from "./replay-forecasts";

const run = (over: Record<string, unknown>) => ({
  workflow: "Welcome a new teammate",
  version: "v1",
  taskClass: "general|-",
  strategyId: "chain/default",
  status: "completed",
  startedAt: "2026-12-07T03:00:00.000Z",
  finishedAt: "2026-12-07T03:00:00.120Z",
  durationMs: 120,
  tokens: 0,
  costUsd: 0,
  ...over,
});
const file = (runs: unknown[]) => ({ recordedWith: "test", note: "test", runs });

describe("recordedHistory", () => {
  it("replays recorded runs in the order they started, with the version keys and model the app's forecasts use, a cancelled or failed run as a failure", () => {
    const history = recordedHistory(
      file([
        run({ startedAt: "2026-12-07T03:00:05.000Z", finishedAt: "2026-12-07T03:00:06.000Z" }),
        run({
          workflow: "Triage a support ticket",
          strategyId: "routing/fake-model",
          status: "failed",
          tokens: 45,
          costUsd: 0.00003,
        }),
        run({ version: "draft", status: "cancelled", startedAt: "2026-12-07T03:00:09.000Z" }),
      ]),
    );
    expect(history.generator).toBe("recorded");
    expect(history.runs.map((r) => [r.versionId, r.model, r.success])).toEqual([
      ["Triage a support ticket@v1", "fake-model", false],
      ["Welcome a new teammate@v1", "default", true],
      ["draft:Welcome a new teammate", "default", false],
    ]);
    expect(history.runs[0]!.tokens).toBe(45);
    // It replays like any history: the first run has nothing before it.
    const scored = replayHistory(history);
    expect(scored[0]!.forecast.basis).toBe("none");
    expect(scored[1]!.coldStart).toBe(true);
  });

  it("refuses a file that is not a recording (a run without its status, a negative duration)", () => {
    expect(() => recordedHistory(file([run({ status: "running" })]))).toThrow();
    expect(() => recordedHistory(file([run({ durationMs: -1 })]))).toThrow();
    expect(() => recordedHistory({ runs: [] })).toThrow();
  });
});
