import { describe, expect, it } from "vitest";
import { diffValues } from "./value-diff";

describe("diffValues (a re-run step's new output beside the old)", () => {
  it("names changed, added and removed leaves by path", () => {
    expect(
      diffValues(
        { a: 1, b: { c: "x", d: [1, 2] }, gone: true },
        { a: 1, b: { c: "y", d: [1, 2, 3] }, new: null },
      ),
    ).toEqual([
      { path: "b.c", kind: "changed", before: "x", after: "y" },
      { path: "b.d[2]", kind: "added", after: 3 },
      { path: "gone", kind: "removed", before: true },
      { path: "new", kind: "added", after: null },
    ]);
  });

  it("finds nothing between equal values, and a whole change between different kinds", () => {
    expect(diffValues({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(diffValues("old text", "new text")).toEqual([
      { path: "", kind: "changed", before: "old text", after: "new text" },
    ]);
    expect(diffValues({ a: 1 }, [1])).toEqual([
      { path: "", kind: "changed", before: { a: 1 }, after: [1] },
    ]);
  });

  it("stops at the limit", () => {
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    expect(diffValues({}, many, 3)).toHaveLength(3);
  });
});
