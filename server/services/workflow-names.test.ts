import { describe, expect, it } from "vitest";
import { copyNameStem, firstFreeName } from "./workflow-names";

describe("firstFreeName", () => {
  const copy = (name: string, ...taken: string[]) =>
    firstFreeName(name, new Set(taken), { keepName: false });

  it("names a copy '(copy)', then numbers on", () => {
    expect(copy("Brief", "Brief")).toBe("Brief (copy)");
    expect(copy("Brief", "Brief", "Brief (copy)")).toBe("Brief (copy 2)");
    expect(copy("Brief", "Brief", "Brief (copy)", "Brief (copy 2)")).toBe("Brief (copy 3)");
  });

  it("numbers a copy of a copy rather than nesting the suffix", () => {
    expect(copy("Brief (copy)", "Brief", "Brief (copy)")).toBe("Brief (copy 2)");
    expect(copy("Brief (copy 2)", "Brief", "Brief (copy)", "Brief (copy 2)")).toBe(
      "Brief (copy 3)",
    );
  });

  it("keeps a free name when asked to (an import), and copies a taken one", () => {
    expect(firstFreeName("Brief", new Set(), { keepName: true })).toBe("Brief");
    expect(firstFreeName("Brief", new Set(["Brief"]), { keepName: true })).toBe("Brief (copy)");
  });

  it("cuts a long name so the suffix fits the 120-character limit", () => {
    const long = "x".repeat(120);
    expect(copy(long, long)).toHaveLength(108 + " (copy)".length);
    expect(copyNameStem(long)).toBe("x".repeat(108));
  });
});
