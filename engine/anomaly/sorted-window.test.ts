import { describe, expect, it } from "vitest";
import { createRandom } from "./generate-series";
import { medianInPlace, quantileInPlace, selectInPlace } from "./order-statistics";
import { createSortedWindow } from "./sorted-window";

const sortedCopy = (values: number[]) => [...values].sort((a, b) => a - b);
const medianOf = (values: number[]) => {
  const s = sortedCopy(values);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Values with ties and repeats, the way rates and counts come. */
function draw(random: ReturnType<typeof createRandom>): number {
  return random.next() < 0.3 ? Math.floor(random.next() * 4) : random.normal() * 10;
}

describe("createSortedWindow", () => {
  it.each([1, 2, 5, 60, 61])(
    "agrees with sorting the last %i values, ties included",
    (capacity) => {
      const random = createRandom(capacity);
      const window = createSortedWindow(capacity);
      const recent: number[] = [];
      for (let i = 0; i < 1500; i++) {
        const value = draw(random);
        window.push(value);
        recent.push(value);
        if (recent.length > capacity) recent.shift();
        const median = medianOf(recent);
        expect(window.size()).toBe(recent.length);
        expect(window.median()).toBeCloseTo(median, 12);
        expect(window.mad()).toBeCloseTo(medianOf(recent.map((v) => Math.abs(v - median))), 12);
        const sorted = sortedCopy(recent);
        expect(window.quantile(0)).toBe(sorted[0]);
        expect(window.quantile(1)).toBe(sorted.at(-1));
      }
    },
  );

  it("starts over when cleared and refuses a useless capacity", () => {
    const window = createSortedWindow(3);
    [5, 1, 9, 7].forEach((v) => window.push(v));
    expect(window.median()).toBe(7);
    window.clear();
    expect(window.size()).toBe(0);
    expect(window.median()).toBeNaN();
    window.push(2);
    expect(window.median()).toBe(2);
    expect(() => createSortedWindow(0)).toThrow(RangeError);
  });
});

describe("order statistics by selection", () => {
  it("selects what sorting would put at each rank", () => {
    const random = createRandom(7);
    for (let round = 0; round < 50; round++) {
      const values = Array.from({ length: 1 + random.integer(0, 80) }, () => draw(random));
      const sorted = sortedCopy(values);
      const k = random.integer(0, values.length - 1);
      expect(selectInPlace(Float64Array.from(values), 0, values.length, k)).toBe(sorted[k]);
      expect(medianInPlace(Float64Array.from(values), 0, values.length)).toBeCloseTo(
        medianOf(values),
        12,
      );
      expect(quantileInPlace(Float64Array.from(values), 0.25)).toBe(
        sorted[Math.round(0.25 * (values.length - 1))],
      );
    }
    expect(medianInPlace(new Float64Array(0), 0, 0)).toBeNaN();
  });
});
