import { describe, expect, it } from "vitest";
import { analyzeTask } from "./analyze-task";
import { decidePattern } from "./decide-pattern";
import {
  emptyPatternDelta,
  learnPatternCorrection,
  PatternDeltaSchema,
  predictWithDelta,
} from "./pattern-delta";
import { PATTERN_MODEL } from "./task-models";

const CORRECTED = "Summarise the release notes in CHANGELOG.md for the support team";
const SIMILAR = "Summarise the release notes in HISTORY.md for the sales team";
const UNRELATED = "Route each incoming ticket to the billing, bugs or sales queue";
const pattern = (task: string, delta = emptyPatternDelta()) =>
  decidePattern(analyzeTask(task), { delta }).pattern;

describe("a tenant's corrections to the pattern model", () => {
  it("changes the next decision for a similar task, with a reason, and leaves other tasks alone", () => {
    expect(pattern(CORRECTED)).toBe("single");
    const delta = learnPatternCorrection(
      emptyPatternDelta(),
      PATTERN_MODEL,
      analyzeTask(CORRECTED).cues,
      "parallel",
    );
    expect(pattern(CORRECTED, delta)).toBe("parallel");
    expect(pattern(SIMILAR)).toBe("single");
    expect(pattern(SIMILAR, delta)).toBe("parallel");
    expect(decidePattern(analyzeTask(SIMILAR), { delta }).reasons).toContain(
      "your corrections to earlier proposals for tasks like this chose parallel over single",
    );
    expect(pattern(UNRELATED, delta)).toBe(pattern(UNRELATED));
    expect(PatternDeltaSchema.parse(JSON.parse(JSON.stringify(delta)))).toEqual(delta);
  });

  it("turns away from a pattern a bad rating names", () => {
    const before = pattern(UNRELATED);
    const delta = learnPatternCorrection(
      emptyPatternDelta(),
      PATTERN_MODEL,
      analyzeTask(UNRELATED).cues,
      before,
      { away: true },
    );
    expect(pattern(UNRELATED, delta)).not.toBe(before);
  });

  it("is the committed model exactly until the first correction", () => {
    const cues = analyzeTask(SIMILAR).cues;
    expect(predictWithDelta(PATTERN_MODEL, emptyPatternDelta(), cues)).toEqual(
      predictWithDelta(PATTERN_MODEL, undefined, cues),
    );
  });
});
