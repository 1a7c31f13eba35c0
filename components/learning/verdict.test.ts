import { describe, expect, it } from "vitest";
import { describeVerdict, type VerdictInput } from "./verdict";

const experiment = (
  over: Partial<Omit<VerdictInput, "result">> & { result?: Partial<VerdictInput["result"]> } = {},
): VerdictInput => ({
  status: "running",
  arms: [{ id: "v1" }, { id: "v2" }],
  stopRule: { minPerArm: 100 },
  ...over,
  result: {
    winner: null,
    probabilitySecondBetter: 0.5,
    samples: [3, 4],
    reason: "waiting for 100 outcomes per arm (have 3)",
    ...over.result,
  },
});

describe("describeVerdict", () => {
  it("names the winner with the stop rule's reason", () => {
    const reason =
      "v2 is better with probability 0.997: 12.3 points more successes (95% interval 4.1 to 20.5)";
    expect(
      describeVerdict(
        experiment({ status: "completed", result: { winner: "v2", reason, samples: [300, 300] } }),
      ),
    ).toEqual({
      headline: "v2 wins",
      detail: `${reason}.`,
      tone: "winner",
    });
  });
  it("waits for the minimum per arm", () => {
    expect(describeVerdict(experiment())).toMatchObject({
      headline: "Collecting outcomes",
      detail: "Waiting for 100 outcomes per arm (have 3).",
    });
  });
  it("reports an undecided experiment's odds", () => {
    expect(
      describeVerdict(
        experiment({ result: { samples: [150, 160], probabilitySecondBetter: 0.6131 } }),
      ).detail,
    ).toBe("Undecided: P(v2 is better) = 0.613.");
  });
  it("says when someone stopped it before the rule decided", () => {
    expect(describeVerdict(experiment({ status: "stopped" }))).toMatchObject({
      headline: "Stopped before a verdict",
      tone: "neutral",
    });
  });
  it("says when the maximum came without a winner", () => {
    expect(
      describeVerdict(
        experiment({
          status: "completed",
          result: {
            samples: [2000, 2000],
            reason: "no clear winner after 4000 outcomes (P = 0.520)",
          },
        }),
      ).headline,
    ).toBe("No clear winner");
  });
});
