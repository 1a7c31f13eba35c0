import { describe, expect, it } from "vitest";
import { nodeReasonsOf } from "./node-reasons";

describe("nodeReasonsOf", () => {
  it("reads the reasons the planner wrote under the heading, by node id", () => {
    const description = [
      "Planned automatically as a chain workflow for: Read data/events.csv",
      "Why each node:\n- request: the run's input: the request to carry out\n- files: step 1: files: name \"filesystem\"\n- result: the workflow's answer",
    ].join("\n\n");
    const reasons = nodeReasonsOf(description);
    expect([...reasons]).toEqual([
      ["request", "the run's input: the request to carry out"],
      ["files", 'step 1: files: name "filesystem"'],
      ["result", "the workflow's answer"],
    ]);
    expect(nodeReasonsOf(description)).toBe(reasons);
  });

  it("finds nothing in a description without reasons, or none at all", () => {
    expect(nodeReasonsOf("Sorts tickets").size).toBe(0);
    expect(nodeReasonsOf(undefined).size).toBe(0);
  });

  it("stops at the first line that is not a reason", () => {
    expect([
      ...nodeReasonsOf("Why each node:\n- a: first\nnotes by hand\n- b: not read").keys(),
    ]).toEqual(["a"]);
  });
});
