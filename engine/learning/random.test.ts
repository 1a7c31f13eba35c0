import { describe, expect, it } from "vitest";
import { createRng, sampleBeta, sampleGamma, sampleNormal } from "./random";

const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const varianceOf = (values: number[]) => {
  const m = meanOf(values);
  return values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1);
};
const draw = (n: number, f: () => number) => Array.from({ length: n }, f);

describe("seeded randomness", () => {
  it("repeats exactly for a seed and differs between seeds", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const first = draw(5, a);
    expect(draw(5, b)).toEqual(first);
    expect(draw(5, c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("is uniform enough: mean 1/2, variance 1/12", () => {
    const xs = draw(50_000, createRng(1));
    expect(meanOf(xs)).toBeCloseTo(0.5, 2);
    expect(varianceOf(xs)).toBeCloseTo(1 / 12, 2);
  });

  it("samples a standard normal", () => {
    const rng = createRng(2);
    const xs = draw(50_000, () => sampleNormal(rng));
    expect(meanOf(xs)).toBeCloseTo(0, 1);
    expect(varianceOf(xs)).toBeCloseTo(1, 1);
  });

  it.each([0.3, 1, 2.5, 40])("samples Gamma(%s) with the right mean and variance", (shape) => {
    const rng = createRng(3);
    const xs = draw(40_000, () => sampleGamma(rng, shape));
    expect(Math.abs(meanOf(xs) - shape) / shape).toBeLessThan(0.03);
    expect(Math.abs(varianceOf(xs) - shape) / shape).toBeLessThan(0.08);
  });

  it.each([
    [1, 1],
    [8, 2],
    [0.5, 0.5],
    [120, 380],
  ])("samples Beta(%s, %s) with the right mean and variance", (a, b) => {
    const rng = createRng(4);
    const xs = draw(40_000, () => sampleBeta(rng, a, b));
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(meanOf(xs) - mean)).toBeLessThan(0.01);
    expect(Math.abs(varianceOf(xs) - variance) / variance).toBeLessThan(0.08);
  });

  it("refuses a shape that is not positive", () => {
    expect(() => sampleGamma(createRng(1), 0)).toThrow(RangeError);
  });
});
