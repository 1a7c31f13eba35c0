import { describe, expect, it } from "vitest";
import { humanize, singularize } from "./field-labels";

describe("field labels", () => {
  it.each([
    ["branches", "branch"],
    ["agents", "agent"],
    ["entries", "entry"],
    ["boxes", "box"],
    ["addresses", "address"],
    ["handoffs", "handoff"],
    ["status", "status"],
    ["schema", "schema"],
  ])("names one of %s a %s", (plural, singular) => {
    expect(singularize(plural)).toBe(singular);
  });

  it("labels a list's items and its add button in words (the router's branches)", () => {
    const item = singularize(humanize("branches"));
    expect(`${item} 1`).toBe("Branch 1");
    expect(`Add ${item.toLowerCase()}`).toBe("Add branch");
  });

  it("spells camelCase keys as words", () => {
    expect(humanize("maxSteps")).toBe("Max Steps");
  });
});
