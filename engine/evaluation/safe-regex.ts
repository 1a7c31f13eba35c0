/**
 * Regular expressions for the regex evaluator, matched in time linear in the input.
 *
 * JavaScript's RegExp backtracks: `/.*.*x/` on 2,000 characters of "a" took 6 s here, and nested
 * quantifiers such as `/(a+)+$/` take exponential time. A timeout cannot be set from pure code, and
 * refusing only nested quantifiers still lets the polynomial cases through. So patterns are
 * compiled here to a Thompson NFA and run as a set of states over the input (RE2's approach): the
 * work is at most (input length × states), whatever the pattern. Only "does it match" is needed,
 * so there are no captures, and lazy and greedy quantifiers match the same strings.
 *
 * Supported, with JavaScript's meaning: literals and escapes, `.`, classes `[a-z]` `[^…]`, `\d \w \s`
 * and their negations, `^ $ \b \B`, groups `(…)` `(?:…)` `(?<name>…)`, `|`, `* + ?` and `{n}`
 * `{n,}` `{n,m}`, flags i, m, s (and g, which means nothing for a yes/no match). Refused with a
 * reason: backreferences, lookaround, the u and v flags (the code-unit semantics of other flags are
 * kept), patterns over SAFE_REGEX_LIMITS.
 */
export const SAFE_REGEX_LIMITS = {
  maxPatternChars: 1000,
  maxStates: 2000,
  maxInputChars: 50_000,
} as const;

export type SafeRegex = { pattern: string; flags: string; test(text: string): boolean };
export type SafeRegexResult = { ok: true; value: SafeRegex } | { ok: false; error: string };

type CharTest = (c: number) => boolean;
type Node =
  | { type: "char"; test: CharTest }
  | { type: "seq"; items: Node[] }
  | { type: "alt"; options: Node[] }
  | { type: "repeat"; node: Node; min: number; max: number }
  | { type: "assert"; kind: "start" | "end" | "word" | "notWord" };

type State =
  | { kind: "char"; test: CharTest; next: number }
  | { kind: "split"; next: number[] }
  | { kind: "assert"; test: (text: string, at: number) => boolean; next: number }
  | { kind: "match" };

class Refused extends Error {}

const isLineTerminator = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWord = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95;
const SPACES = new Set([
  9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);
const isSpace = (c: number) => SPACES.has(c) || (c >= 0x2000 && c <= 0x200a);

const CLASS_ESCAPES: Record<string, CharTest> = {
  d: isDigit,
  D: (c) => !isDigit(c),
  w: isWord,
  W: (c) => !isWord(c),
  s: isSpace,
  S: (c) => !isSpace(c),
};

/** JavaScript's Canonicalize for the i flag without u: upper case, unless that leaves ASCII for non-ASCII. */
function canonicalize(c: number): number {
  const upper = String.fromCharCode(c).toUpperCase();
  if (upper.length !== 1) return c;
  const u = upper.charCodeAt(0);
  return c >= 128 && u < 128 ? c : u;
}

function ignoringCase(test: CharTest): CharTest {
  return (c) => {
    if (test(c)) return true;
    const canon = canonicalize(c);
    if (canon !== c && test(canon)) return true;
    const lower = String.fromCharCode(canon).toLowerCase();
    if (lower.length !== 1) return false;
    const l = lower.charCodeAt(0);
    return l !== c && canonicalize(l) === canon && test(l);
  };
}

class Parser {
  private at = 0;
  constructor(
    private readonly source: string,
    private readonly flags: { ignoreCase: boolean; multiline: boolean; dotAll: boolean },
  ) {}

  parse(): Node {
    const node = this.parseAlternation();
    if (this.at < this.source.length)
      throw new Refused(`unexpected "${this.source[this.at]}" at character ${this.at + 1}`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.source[this.at + offset];
  }

  private parseAlternation(): Node {
    const options = [this.parseSequence()];
    while (this.peek() === "|") {
      this.at++;
      options.push(this.parseSequence());
    }
    return options.length === 1 ? (options[0] as Node) : { type: "alt", options };
  }

  private parseSequence(): Node {
    const items: Node[] = [];
    while (this.at < this.source.length && this.peek() !== "|" && this.peek() !== ")")
      items.push(this.parseQuantified());
    return { type: "seq", items };
  }

  private readQuantifier(): { min: number; max: number } | undefined {
    const ch = this.peek();
    if (ch === "*" || ch === "+" || ch === "?") {
      this.at++;
      return ch === "*"
        ? { min: 0, max: Infinity }
        : ch === "+"
          ? { min: 1, max: Infinity }
          : { min: 0, max: 1 };
    }
    if (ch !== "{") return undefined;
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at));
    if (!match) return undefined; // a "{" that opens no quantifier is a literal, as in JavaScript without u
    this.at += match[0].length;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === "" ? Infinity : Number(match[3]);
    return { min, max };
  }

  private parseQuantified(): Node {
    const start = this.at;
    const atom = this.parseAtom();
    for (let quantifier = this.readQuantifier(); quantifier; quantifier = this.readQuantifier()) {
      if (atom.type === "assert") throw new Refused(`nothing to repeat at character ${start + 1}`);
      if (this.peek() === "?") this.at++; // lazy: the same strings match
      return { type: "repeat", node: atom, ...quantifier };
    }
    return atom;
  }

  private literal(code: number): Node {
    const test: CharTest = (c) => c === code;
    return { type: "char", test: this.flags.ignoreCase ? ignoringCase(test) : test };
  }

  private parseAtom(): Node {
    const ch = this.source[this.at++] as string;
    switch (ch) {
      case "(":
        return this.parseGroup();
      case "[":
        return this.parseClass();
      case ".":
        return { type: "char", test: this.flags.dotAll ? () => true : (c) => !isLineTerminator(c) };
      case "^":
        return { type: "assert", kind: "start" };
      case "$":
        return { type: "assert", kind: "end" };
      case "\\":
        return this.parseEscape();
      default:
        return this.literal(ch.charCodeAt(0));
    }
  }

  private parseGroup(): Node {
    if (this.peek() === "?") {
      const rest = this.source.slice(this.at, this.at + 3);
      if (rest.startsWith("?:")) this.at += 2;
      else if (rest.startsWith("?=") || rest.startsWith("?!") || rest === "?<=" || rest === "?<!")
        throw new Refused("lookahead and lookbehind are not supported");
      else if (rest.startsWith("?<")) {
        const close = this.source.indexOf(">", this.at);
        this.at = close + 1;
      }
    }
    const inner = this.parseAlternation();
    if (this.source[this.at++] !== ")") throw new Refused('a "(" is never closed');
    return inner;
  }

  /** One escape; inside a class `\b` is a backspace and class escapes come back as tests. */
  private readEscape(
    inClass: boolean,
  ): { code: number } | { test: CharTest } | { assert: "word" | "notWord" } {
    const ch = this.source[this.at++];
    if (ch === undefined) throw new Refused("the pattern ends with a lone backslash");
    if (CLASS_ESCAPES[ch]) return { test: CLASS_ESCAPES[ch] };
    if (ch === "b") return inClass ? { code: 8 } : { assert: "word" };
    if (ch === "B" && !inClass) return { assert: "notWord" };
    if (/[1-9]/.test(ch) || (ch === "k" && !inClass))
      throw new Refused("backreferences (\\1, \\k<name>) are not supported");
    if (ch === "0") {
      if (isDigit(this.source.charCodeAt(this.at)))
        throw new Refused("octal escapes are not supported; use \\x or \\u");
      return { code: 0 };
    }
    const controls: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
    if (controls[ch] !== undefined) return { code: controls[ch] };
    const hex = ch === "x" ? 2 : ch === "u" ? 4 : 0;
    if (hex) {
      const digits = this.source.slice(this.at, this.at + hex);
      if (digits.length === hex && /^[0-9a-fA-F]+$/.test(digits)) {
        this.at += hex;
        return { code: parseInt(digits, 16) };
      }
      return { code: ch.charCodeAt(0) };
    }
    if (ch === "c") {
      const letter = this.source[this.at];
      if (letter && /[A-Za-z]/.test(letter)) {
        this.at++;
        return { code: letter.charCodeAt(0) % 32 };
      }
      throw new Refused("\\c must be followed by a letter");
    }
    return { code: ch.charCodeAt(0) };
  }

  private parseEscape(): Node {
    const escape = this.readEscape(false);
    if ("assert" in escape) return { type: "assert", kind: escape.assert };
    if ("test" in escape) return { type: "char", test: escape.test };
    return this.literal(escape.code);
  }

  private parseClass(): Node {
    const negated = this.peek() === "^";
    if (negated) this.at++;
    const ranges: [number, number][] = [];
    const tests: CharTest[] = [];
    const readMember = (): { code: number } | { test: CharTest } => {
      const ch = this.source[this.at++];
      if (ch === undefined) throw new Refused('a "[" is never closed');
      if (ch !== "\\") return { code: ch.charCodeAt(0) };
      const escape = this.readEscape(true);
      if ("assert" in escape) throw new Refused("an assertion cannot be a class member"); // readEscape(true) gives none
      return escape;
    };
    while (this.peek() !== "]") {
      if (this.at >= this.source.length) throw new Refused('a "[" is never closed');
      const from = readMember();
      if (
        "code" in from &&
        this.peek() === "-" &&
        this.peek(1) !== "]" &&
        this.peek(1) !== undefined
      ) {
        this.at++;
        const to = readMember();
        if ("code" in to) {
          if (to.code < from.code) throw new Refused("a class range is out of order");
          ranges.push([from.code, to.code]);
          continue;
        }
        // [a-\d]: JavaScript without u reads the "-" as itself.
        ranges.push([from.code, from.code], [45, 45]);
        tests.push(to.test);
        continue;
      }
      if ("code" in from) ranges.push([from.code, from.code]);
      else tests.push(from.test);
    }
    this.at++;
    const member: CharTest = (c) =>
      ranges.some(([lo, hi]) => c >= lo && c <= hi) || tests.some((test) => test(c));
    const cased = this.flags.ignoreCase ? ignoringCase(member) : member;
    return { type: "char", test: negated ? (c) => !cased(c) : cased };
  }
}

function assertionTest(
  kind: "start" | "end" | "word" | "notWord",
  multiline: boolean,
): (text: string, at: number) => boolean {
  const wordBoundary = (text: string, at: number) =>
    (at > 0 && isWord(text.charCodeAt(at - 1))) !==
    (at < text.length && isWord(text.charCodeAt(at)));
  switch (kind) {
    case "start":
      return multiline
        ? (text, at) => at === 0 || isLineTerminator(text.charCodeAt(at - 1))
        : (_text, at) => at === 0;
    case "end":
      return multiline
        ? (text, at) => at === text.length || isLineTerminator(text.charCodeAt(at))
        : (text, at) => at === text.length;
    case "word":
      return wordBoundary;
    case "notWord":
      return (text, at) => !wordBoundary(text, at);
  }
}

function buildNfa(root: Node, multiline: boolean): { states: State[]; start: number } {
  const states: State[] = [{ kind: "match" }];
  const add = (state: State) => {
    if (states.length >= SAFE_REGEX_LIMITS.maxStates)
      throw new Refused(
        `the pattern is too large to match safely (over ${SAFE_REGEX_LIMITS.maxStates} states; lower its repeat counts)`,
      );
    states.push(state);
    return states.length - 1;
  };
  /** Compiles `node` so that it continues at state `next`; returns its first state. */
  const compile = (node: Node, next: number): number => {
    switch (node.type) {
      case "char":
        return add({ kind: "char", test: node.test, next });
      case "assert":
        return add({ kind: "assert", test: assertionTest(node.kind, multiline), next });
      case "seq":
        return node.items.reduceRight((after, item) => compile(item, after), next);
      case "alt":
        return add({ kind: "split", next: node.options.map((option) => compile(option, next)) });
      case "repeat": {
        let start = next;
        if (node.max === Infinity) {
          const loop = add({ kind: "split", next: [] });
          (states[loop] as { next: number[] }).next = [compile(node.node, loop), next];
          start = loop;
        } else {
          for (let i = node.min; i < node.max; i++)
            start = add({ kind: "split", next: [compile(node.node, start), next] });
        }
        for (let i = 0; i < node.min; i++) start = compile(node.node, start);
        return start;
      }
    }
  };
  return { states, start: compile(root, 0) };
}

function runNfa(states: State[], start: number, text: string): boolean {
  const seen = new Int32Array(states.length);
  let generation = 0;
  let matched = false;
  const stack: number[] = [];
  /** Adds `from` and every state reachable from it without reading a character, at position `at`. */
  const addClosure = (list: number[], from: number, at: number) => {
    stack.push(from);
    while (stack.length > 0) {
      const index = stack.pop() as number;
      if (seen[index] === generation) continue;
      seen[index] = generation;
      const state = states[index] as State;
      if (state.kind === "match") matched = true;
      else if (state.kind === "char") list.push(index);
      else if (state.kind === "split")
        for (let i = state.next.length - 1; i >= 0; i--) stack.push(state.next[i] as number);
      else if (state.test(text, at)) stack.push(state.next);
    }
  };
  generation++;
  let current: number[] = [];
  addClosure(current, start, 0);
  for (let at = 0; at < text.length && !matched; at++) {
    const c = text.charCodeAt(at);
    generation++;
    const next: number[] = [];
    for (const index of current) {
      const state = states[index] as Extract<State, { kind: "char" }>;
      if (state.test(c)) addClosure(next, state.next, at + 1);
    }
    addClosure(next, start, at + 1); // a match may start at any position
    current = next;
  }
  return matched;
}

/**
 * Compiles a pattern for linear-time matching, or says why it cannot be used.
 * @example compileSafeRegex("^order #\\d+$", "i") // → { ok: true, value: { test("Order #12") → true, … } }
 */
export function compileSafeRegex(pattern: string, flags = ""): SafeRegexResult {
  if (pattern.length > SAFE_REGEX_LIMITS.maxPatternChars)
    return {
      ok: false,
      error: `the pattern has ${pattern.length} characters; the limit is ${SAFE_REGEX_LIMITS.maxPatternChars}`,
    };
  const unsupported = [...flags].filter((flag) => !"gims".includes(flag));
  if (unsupported.length > 0)
    return { ok: false, error: `flag ${unsupported.join(", ")} is not supported (use g, i, m, s)` };
  try {
    // Only to reject what JavaScript rejects, with its message; the pattern is never run by RegExp.
    new RegExp(pattern, flags);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  try {
    const options = {
      ignoreCase: flags.includes("i"),
      multiline: flags.includes("m"),
      dotAll: flags.includes("s"),
    };
    const { states, start } = buildNfa(new Parser(pattern, options).parse(), options.multiline);
    return { ok: true, value: { pattern, flags, test: (text) => runNfa(states, start, text) } };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: error.message };
    throw error;
  }
}
