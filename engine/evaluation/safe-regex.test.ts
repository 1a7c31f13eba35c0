import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../learning/random";
import { compileSafeRegex, SAFE_REGEX_LIMITS } from "./safe-regex";

function compile(pattern: string, flags = "") {
  const result = compileSafeRegex(pattern, flags);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("compileSafeRegex", () => {
  it("matches as JavaScript does on ordinary patterns", () => {
    expect(compile("^order #\\d+$", "i").test("Order #12")).toBe(true);
    expect(compile("^order #\\d+$").test("Order #12")).toBe(false);
    expect(compile("\\bcat\\b").test("a cat sat")).toBe(true);
    expect(compile("\\bcat\\b").test("concatenate")).toBe(false);
    expect(compile("colou?r").test("color")).toBe(true);
    expect(compile("^[A-Z]{2}-\\d{3,4}$").test("AB-1234")).toBe(true);
    expect(compile("^[A-Z]{2}-\\d{3,4}$").test("AB-12")).toBe(false);
    expect(compile("^(?:yes|no)$", "m").test("maybe\nyes\n")).toBe(true);
    expect(compile("a.b").test("a\nb")).toBe(false);
    expect(compile("a.b", "s").test("a\nb")).toBe(true);
    expect(compile("(?<word>\\w+)@example\\.com").test("mail: ann@example.com")).toBe(true);
    expect(compile("[^]").test("")).toBe(false);
    expect(compile("").test("")).toBe(true);
    expect(compile("\\u00e9|\\x41").test("A")).toBe(true);
  });

  it("matches in linear time the patterns that make backtracking hang", () => {
    const input = "a".repeat(SAFE_REGEX_LIMITS.maxInputChars);
    // Each of these takes seconds to hours with RegExp on this input; here each is one pass.
    expect(compile("(a+)+$").test(`${input}!`)).toBe(false);
    expect(compile("(a+)+!$").test(`${input}!`)).toBe(true);
    expect(compile(".*.*.*x").test(input)).toBe(false);
    expect(compile("(a|aa)*b").test(input)).toBe(false);
    expect(compile("^(\\w+\\s?)+$").test(`${input}!`)).toBe(false);
  });

  it("refuses what it cannot match safely, saying why", () => {
    const refused = (pattern: string, flags = "") => {
      const result = compileSafeRegex(pattern, flags);
      return result.ok ? "accepted" : result.error;
    };
    expect(refused("(a)\\1")).toMatch(/backreferences/);
    expect(refused("(?<x>a)\\k<x>")).toMatch(/backreferences/);
    expect(refused("a(?=b)")).toMatch(/lookahead and lookbehind/);
    expect(refused("(?<!a)b")).toMatch(/lookahead and lookbehind/);
    expect(refused("a", "u")).toMatch(/flag u is not supported/);
    expect(refused("(a{1,999}){1,999}")).toMatch(/too large to match safely/);
    expect(refused("x".repeat(1001))).toMatch(/the limit is 1000/);
    expect(refused("a(")).toMatch(/Invalid regular expression/);
    expect(refused("\\01")).toMatch(/octal/);
  });

  it("agrees with RegExp on generated patterns and inputs (3,000 cases)", () => {
    const atoms = [
      "a",
      "b",
      "A",
      ".",
      "\\w",
      "\\W",
      "\\d",
      "\\s",
      "[ab]",
      "[^a]",
      "[a-c]",
      "[A-B1]",
      "\\b",
      "\\B",
      "^",
      "$",
      " ",
      "\\n",
    ];
    const quantifiers = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?"];
    const gen = (rng: Rng, depth: number): string => {
      const pick = <T>(list: readonly T[]) => list[Math.floor(rng() * list.length)] as T;
      const parts = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => {
        if (depth < 2 && rng() < 0.3) {
          const options = Array.from({ length: 1 + Math.floor(rng() * 2) }, () =>
            gen(rng, depth + 1),
          );
          return `(${rng() < 0.5 ? "?:" : ""}${options.join("|")})${pick(quantifiers)}`;
        }
        const atom = pick(atoms);
        return ["^", "$", "\\b", "\\B"].includes(atom) ? atom : `${atom}${pick(quantifiers)}`;
      });
      return parts.join("");
    };
    const alphabet = ["a", "b", "A", "B", " ", "\n", "1", "_", "c"];
    for (let seed = 1; seed <= 3000; seed++) {
      const rng = createRng(seed);
      const pattern = gen(rng, 0);
      const flags = ["", "i", "m", "s", "im"][seed % 5] as string;
      const inputs = Array.from({ length: 5 }, () =>
        Array.from(
          { length: Math.floor(rng() * 10) },
          () => alphabet[Math.floor(rng() * alphabet.length)],
        ).join(""),
      );
      const safe = compile(pattern, flags);
      const native = new RegExp(pattern, flags);
      for (const input of inputs)
        expect(safe.test(input), `/${pattern}/${flags} on ${JSON.stringify(input)}`).toBe(
          native.test(input),
        );
    }
  });

  it("ignores case as JavaScript does without the u flag", () => {
    for (const [pattern, input] of [
      ["[a-z]+", "ÀÉ"],
      ["k", "\u212a"],
      ["é", "É"],
      ["[^x]", "X"],
      ["ß", "SS"],
      ["s", "\u017f"],
    ] as const) {
      expect(compile(pattern, "i").test(input), `/${pattern}/i on ${input}`).toBe(
        new RegExp(pattern, "i").test(input),
      );
    }
  });
});
