import { describe, expect, it } from "vitest";
import { triggerSetupHint } from "./trigger-hint";

describe("triggerSetupHint", () => {
  it("says what would start the workflow and where to set it up", () => {
    expect(triggerSetupHint([{ kind: "schedule", description: "every weekday at 9:00" }])).toBe(
      "This workflow would start every weekday at 9:00 (schedule). Set it up in the workflow's Triggers dialog.",
    );
    expect(
      triggerSetupHint([
        { kind: "schedule", description: "every day at 9:00" },
        { kind: "webhook", description: "when a form is submitted" },
      ]),
    ).toBe(
      "This workflow would start every day at 9:00 (schedule); when a form is submitted (webhook). Set them up in the workflow's Triggers dialog.",
    );
  });

  it("says nothing when the task names no start", () => {
    expect(triggerSetupHint([])).toBeNull();
  });
});
