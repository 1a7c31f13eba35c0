import { evaluateExpression, parseExpression, type Expression } from "../schema/expression";
import { readPath, type BindingPath, type ParseResult } from "../schema/template";

/**
 * The engine's rule expressions (engine/schema/expression.ts), read over an evaluated item:
 * `input.<path>` (the item's input), `output.<path>` (what the run answered), `reference.<path>`
 * (the item's reference answer). The language is the routers' one; only its roots are renamed
 * before parsing (`output` → `value`, `reference` → `steps.reference.output`), so there is no
 * second parser. `value` and `steps` themselves mean nothing here and are refused.
 *
 * @example parseEvaluatorExpression('output.status == "ok" && output.total == reference.total')
 */
export type EvaluatorExpression = { source: string; expression: Expression };

const WORD = /[A-Za-z_][A-Za-z0-9_.[\]-]*/y;
const KEYWORDS = new Set(["true", "false", "null", "and", "or", "not", "contains"]);
const ROOTS: Record<string, string> = {
  input: "input",
  output: "value",
  reference: "steps.reference.output",
};

export function parseEvaluatorExpression(source: string): ParseResult<EvaluatorExpression> {
  let rewritten = "";
  /** [index in the rewritten text, how much later it is than the source] after each rename. */
  const shifts: [number, number][] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== ch) j += source[j] === "\\" ? 2 : 1;
      rewritten += source.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    WORD.lastIndex = i;
    const word =
      /[A-Za-z_]/.test(ch) && !/[A-Za-z0-9_.\]-]/.test(source[i - 1] ?? " ")
        ? WORD.exec(source)?.[0]
        : undefined;
    if (!word) {
      rewritten += ch;
      i++;
      continue;
    }
    const root = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(word)?.[0] as string;
    if (!KEYWORDS.has(word)) {
      const renamed = ROOTS[root];
      if (renamed === undefined)
        return { ok: false, error: `"${word}" must start with input, output or reference` };
      if (renamed !== root)
        shifts.push([rewritten.length + renamed.length, renamed.length - root.length]);
      rewritten += renamed + word.slice(root.length);
    } else rewritten += word;
    i += word.length;
  }
  const parsed = parseExpression(rewritten);
  if (!parsed.ok) {
    // Positions in the parser's messages refer to the renamed text; give them back in the user's.
    const error = parsed.error
      .replace(/character (\d+)/g, (_, at: string) => {
        const index = Number(at) - 1;
        const shift = shifts
          .filter(([from]) => from <= index)
          .reduce((sum, [, delta]) => sum + delta, 0);
        return `character ${index - shift + 1}`;
      })
      .replace(/steps\.reference\.output/g, "reference")
      .replace(/\bvalue\b/g, "output");
    return { ok: false, error };
  }
  return { ok: true, value: { source, expression: parsed.value } };
}

export type ExpressionSubject = { input: unknown; output?: unknown; reference?: unknown };

/**
 * Evaluates a parsed evaluator expression over one item; a path that reads nothing gives null.
 * @example evaluateEvaluatorExpression(parsed, { input: {}, output: { ok: true } }) // → true for "output.ok"
 */
export function evaluateEvaluatorExpression(
  parsed: EvaluatorExpression,
  subject: ExpressionSubject,
): unknown {
  return evaluateExpression(parsed.expression, (path: BindingPath) => {
    const base =
      path.root === "input"
        ? subject.input
        : path.root === "value"
          ? subject.output
          : subject.reference;
    const found = readPath(base, path.segments);
    return found.found ? found.value : null;
  });
}
