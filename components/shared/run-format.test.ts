import { describe, expect, it } from "vitest";
import { formatCost, unpricedNote } from "@/components/shared/run-format";

describe("formatCost", () => {
  it("says unknown, never $0.00, when tokens went to a model without a price", () => {
    expect(formatCost(0, 120)).toBe("unknown");
    expect(formatCost(0.5, 120)).toBe(`${formatCost(0.5)} + unpriced`);
    expect(formatCost(0)).toBe(formatCost(0, 0));
    expect(formatCost(0)).toMatch(/0\.00/);
    expect(unpricedNote(0)).toBeUndefined();
    expect(unpricedNote(1200)).toMatch(/1,200 tokens went to models without a price/);
  });
});
