import { describe, expect, it } from "vitest";
import { resolveUsageRange } from "./usage-range";

describe("usage ranges (UTC days, both ends included)", () => {
  const now = new Date("2026-03-15T23:30:00Z");

  it("counts today as the last of the last N days", () => {
    expect(resolveUsageRange("7d", now)).toEqual({ from: "2026-03-09", to: "2026-03-15" });
    expect(resolveUsageRange("30d", now)).toEqual({ from: "2026-02-14", to: "2026-03-15" });
    expect(resolveUsageRange("90d", now)).toEqual({ from: "2025-12-16", to: "2026-03-15" });
  });

  it("cuts calendar months, across a year boundary too", () => {
    expect(resolveUsageRange("this-month", now)).toEqual({ from: "2026-03-01", to: "2026-03-15" });
    expect(resolveUsageRange("last-month", now)).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(resolveUsageRange("last-month", new Date("2026-01-03T00:00:00Z"))).toEqual({
      from: "2025-12-01",
      to: "2025-12-31",
    });
  });
});
