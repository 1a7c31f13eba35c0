import { parseBindingPath, type BindingPath, type ParseResult } from "./template";

/**
 * Rule expressions for routers and conditions, parsed here rather than evaluated with `eval` so a
 * saved workflow can never run code. Grammar, loosest first:
 *   a || b, a or b · a && b, a and b · !a, not a · x == y, !=, >, >=, <, <=, contains · (…)
 * Operands are paths (see template.ts), numbers, 'strings' or "strings", true, false, null.
 */
export type Expression =
  | { type: "literal"; value: string | number | boolean | null }
  | { type: "path"; path: BindingPath }
  | { type: "not"; operand: Expression }
  | { type: "and" | "or"; left: Expression; right: Expression }
  | { type: "compare"; operator: CompareOperator; left: Expression; right: Expression };

export type CompareOperator = "==" | "!=" | ">" | ">=" | "<" | "<=" | "contains";

type Token =
  | { kind: "op"; text: string }
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "path"; text: string };

const OPERATORS = ["===", "!==", "==", "!=", ">=", "<=", "&&", "||", ">", "<", "!", "(", ")"];
const WORD_OPERATORS: Record<string, string> = {
  and: "&&",
  or: "||",
  not: "!",
  contains: "contains",
};
const NUMBER = /-?\d+(?:\.\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_.[\]-]*/y;

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === " " || ch === "\t" || ch === "\n") {
      i++;
      continue;
    }
    const number = matchAt(NUMBER, text, i);
    if (number) {
      tokens.push({ kind: "literal", value: Number(number) });
      i += number.length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op === "===" ? "==" : op === "!==" ? "!=" : op });
      i += op.length;
    } else if (ch === '"' || ch === "'") {
      let value = "";
      let j = i + 1;
      for (; j < text.length && text[j] !== ch; j++)
        value += text[j] === "\\" ? (text[++j] ?? "") : text[j];
      if (j >= text.length) return `unclosed string starting at character ${i + 1}`;
      tokens.push({ kind: "literal", value });
      i = j + 1;
    } else {
      const word = matchAt(WORD, text, i);
      if (!word) return `unexpected "${ch}" at character ${i + 1}`;
      if (word === "true" || word === "false")
        tokens.push({ kind: "literal", value: word === "true" });
      else if (word === "null") tokens.push({ kind: "literal", value: null });
      else if (WORD_OPERATORS[word]) tokens.push({ kind: "op", text: WORD_OPERATORS[word] });
      else tokens.push({ kind: "path", text: word });
      i += word.length;
    }
  }
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expression {
    const expression = this.parseOr();
    const extra = this.tokens[this.index];
    if (extra)
      throw new Error(
        `unexpected ${extra.kind === "op" ? extra.text : "value"} after a complete expression`,
      );
    return expression;
  }

  private peekOp(...texts: string[]): string | undefined {
    const token = this.tokens[this.index];
    return token?.kind === "op" && texts.includes(token.text) ? token.text : undefined;
  }

  private parseOr(): Expression {
    let left = this.parseAnd();
    while (this.peekOp("||")) {
      this.index++;
      left = { type: "or", left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expression {
    let left = this.parseUnary();
    while (this.peekOp("&&")) {
      this.index++;
      left = { type: "and", left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expression {
    if (this.peekOp("!")) {
      this.index++;
      return { type: "not", operand: this.parseUnary() };
    }
    const left = this.parsePrimary();
    const operator = this.peekOp("==", "!=", ">", ">=", "<", "<=", "contains") as
      CompareOperator | undefined;
    if (!operator) return left;
    this.index++;
    return { type: "compare", operator, left, right: this.parsePrimary() };
  }

  private parsePrimary(): Expression {
    const token = this.tokens[this.index++];
    if (!token) throw new Error("the expression ends too early");
    if (token.kind === "literal") return { type: "literal", value: token.value };
    if (token.kind === "path") {
      const path = parseBindingPath(token.text);
      if (!path.ok) throw new Error(path.error);
      return { type: "path", path: path.value };
    }
    if (token.text === "(") {
      const inner = this.parseOr();
      if (!this.peekOp(")")) throw new Error('a "(" is never closed');
      this.index++;
      return inner;
    }
    throw new Error(`unexpected "${token.text}"`);
  }
}

/**
 * Parses a rule such as `value.priority == "high" && input.vip`.
 * @example parseExpression("value.score >= 0.8") // → { ok: true, value: { type: "compare", … } }
 */
export function parseExpression(text: string): ParseResult<Expression> {
  const tokens = tokenize(text);
  if (typeof tokens === "string") return { ok: false, error: tokens };
  if (tokens.length === 0) return { ok: false, error: "the expression is empty" };
  try {
    return { ok: true, value: new Parser(tokens).parseAll() };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * Lists the paths an expression reads, so the compiler can check they point upstream.
 * @example listExpressionPaths(parsed) // for "steps.a.output.x > 1" → [{ root: "steps", step: "a", segments: ["x"] }]
 */
export function listExpressionPaths(
  expression: Expression,
  into: BindingPath[] = [],
): BindingPath[] {
  switch (expression.type) {
    case "path":
      into.push(expression.path);
      break;
    case "not":
      listExpressionPaths(expression.operand, into);
      break;
    case "literal":
      break;
    default:
      listExpressionPaths(expression.left, into);
      listExpressionPaths(expression.right, into);
  }
  return into;
}

/**
 * Falsy: null, missing, false, 0, "" and []. Everything else is truthy.
 * @example isTruthy([]) // → false
 */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function compareValues(operator: CompareOperator, left: unknown, right: unknown): boolean {
  switch (operator) {
    case "==":
      return isEqual(left, right);
    case "!=":
      return !isEqual(left, right);
    case "contains":
      if (typeof left === "string") return typeof right === "string" && left.includes(right);
      if (Array.isArray(left)) return left.some((item) => isEqual(item, right));
      if (typeof left === "object" && left !== null)
        return typeof right === "string" && Object.hasOwn(left, right);
      return false;
    default: {
      const comparable =
        (typeof left === "number" && typeof right === "number") ||
        (typeof left === "string" && typeof right === "string");
      if (!comparable) return false;
      const [l, r] = [left as number | string, right as number | string];
      return operator === ">"
        ? l > r
        : operator === ">="
          ? l >= r
          : operator === "<"
            ? l < r
            : l <= r;
    }
  }
}

/**
 * Evaluates a parsed expression; `readPath` returns null for anything absent, so a rule on a
 * missing field is simply false rather than an error.
 * @example evaluateExpression(parsed, (path) => (path.root === "value" ? 3 : null)) // → true for "value > 2"
 */
export function evaluateExpression(
  expression: Expression,
  readPath: (path: BindingPath) => unknown,
): unknown {
  switch (expression.type) {
    case "literal":
      return expression.value;
    case "path":
      return readPath(expression.path) ?? null;
    case "not":
      return !isTruthy(evaluateExpression(expression.operand, readPath));
    case "and":
      return (
        isTruthy(evaluateExpression(expression.left, readPath)) &&
        isTruthy(evaluateExpression(expression.right, readPath))
      );
    case "or":
      return (
        isTruthy(evaluateExpression(expression.left, readPath)) ||
        isTruthy(evaluateExpression(expression.right, readPath))
      );
    case "compare":
      return compareValues(
        expression.operator,
        evaluateExpression(expression.left, readPath),
        evaluateExpression(expression.right, readPath),
      );
  }
}
