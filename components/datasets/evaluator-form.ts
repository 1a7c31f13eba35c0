import { z } from "zod";
import { EvaluatorListSchema, EvaluatorSchema, type EvaluatorKind } from "@/engine/evaluation";

/**
 * The evaluator editor's pure side. The form of each kind is generated from the engine's zod
 * schema (engine/evaluation/evaluators.ts), so a field the engine adds shows up here; what is
 * written below is only what a schema cannot say: a name and a sentence per kind.
 */
export const EVALUATOR_KINDS: Record<EvaluatorKind, { label: string; description: string }> = {
  "exact-match": {
    label: "Exact match",
    description:
      '1 when the output (or the part at Output Path) equals the reference, or the fixed Expected value (JSON, e.g. "Hello").',
  },
  contains: {
    label: "Contains",
    description:
      "Looks for texts in the output, one per line; the reference is looked for when Values is empty.",
  },
  regex: {
    label: "Regular expression",
    description:
      "1 when the pattern matches the output (or, with Expect no-match, when it does not).",
  },
  "json-schema": {
    label: "JSON schema",
    description:
      "1 when the output fits the JSON schema; the reason names the first field that does not.",
  },
  numeric: {
    label: "Numeric tolerance",
    description:
      "1 when the output's number is within the tolerance of the reference (or Expected).",
  },
  "semantic-similarity": {
    label: "Semantic similarity",
    description:
      "How close the output's meaning is to the reference, with the tenant's embedding model (or the one named).",
  },
  "llm-judge": {
    label: "LLM as judge",
    description:
      "A model scores the output against your rubric and says why; empty Model uses the tenant's default.",
  },
  latency: {
    label: "Latency bound",
    description: "1 when the item's run took at most Max Ms milliseconds.",
  },
  cost: { label: "Cost bound", description: "1 when the item's run cost at most Max Usd dollars." },
  expression: {
    label: "Expression",
    description:
      "A rule over input, output and reference: true scores 1, false 0, a number in [0, 1] is the score. E.g. output.total == reference.total",
  },
};

export const EVALUATOR_KIND_LIST = Object.keys(EVALUATOR_KINDS) as EvaluatorKind[];

/** A kind's zod object (with its refinements, which live on the same schema in zod 4). */
export function schemaOfKind(kind: EvaluatorKind): z.ZodObject {
  const option = EvaluatorSchema.options.find((o) => (o.shape.kind as z.ZodLiteral).value === kind);
  if (!option) throw new Error(`no evaluator kind ${kind}`);
  return option as unknown as z.ZodObject;
}

/** The fields the generated form shows: all but the ones the editor shows itself (id, name) and the kind. */
export function formShapeOf(kind: EvaluatorKind): z.ZodObject {
  const { id: _id, name: _name, kind: _kind, ...rest } = schemaOfKind(kind).shape;
  return z.object(rest);
}

/** A draft evaluator in the editor: the value as the engine stores it, possibly not valid yet. */
export type EvaluatorDraft = Record<string, unknown> & { kind: EvaluatorKind };

/**
 * A new evaluator of a kind: an id not yet taken (`exact-match`, `exact-match-2`, …) and every
 * field that has a default set to it, so a checkbox shows what the engine would do.
 * @example newEvaluator("exact-match", []) // → { id: "exact-match", kind: "exact-match", ignoreCase: false, trim: true }
 */
export function newEvaluator(kind: EvaluatorKind, takenIds: readonly string[]): EvaluatorDraft {
  let id: string = kind;
  for (let n = 2; takenIds.includes(id); n++) id = `${kind}-${n}`;
  const defaults: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(formShapeOf(kind).shape)) {
    const parsed = (field as z.ZodType).safeParse(undefined);
    if (parsed.success && parsed.data !== undefined) defaults[name] = parsed.data;
  }
  return { id, kind, ...defaults };
}

/** Problems by field, keyed `<index>.<field>` (as the server's `problems[].path`), `<index>` for the evaluator as a whole, "" for the list. */
export type EvaluatorProblems = Map<string, string[]>;

/** A problem path (the engine's issue path, or the server's dotted one) → the key of the field it is shown beside. */
function keyOf(path: readonly PropertyKey[]): string {
  return path.slice(0, 2).map(String).join(".");
}

function add(problems: EvaluatorProblems, key: string, message: string) {
  problems.set(key, [...(problems.get(key) ?? []), message]);
}

/**
 * Checks the drafts with the engine's EvaluatorListSchema: the evaluators to save, or the problems
 * by field. A problem inside a field (a JSON schema's nested key) is shown beside that field.
 */
export function checkEvaluators(
  drafts: readonly EvaluatorDraft[],
): { ok: true; evaluators: unknown[] } | { ok: false; problems: EvaluatorProblems } {
  const parsed = EvaluatorListSchema.safeParse(drafts);
  if (parsed.success) return { ok: true, evaluators: [...drafts] };
  const problems: EvaluatorProblems = new Map();
  for (const issue of parsed.error.issues) {
    const rest = issue.path.slice(2).map(String).join(".");
    // A field left empty reads "Invalid input: expected string, received undefined" in zod's words.
    const message =
      issue.code === "invalid_type" && / received undefined$/.test(issue.message)
        ? "Required"
        : issue.message;
    add(problems, keyOf(issue.path), rest ? `${rest}: ${message}` : message);
  }
  // The list's own rule (ids unique) runs only once every evaluator parses: say it at once.
  const seen = new Set<string>();
  drafts.forEach((draft, index) => {
    const id = typeof draft.id === "string" ? draft.id.trim() : "";
    if (id && seen.has(id) && !problems.has(`${index}.id`))
      add(problems, `${index}.id`, `two evaluators are named "${id}"`);
    seen.add(id);
  });
  return { ok: false, problems };
}

/** The server's refusal of `dataset.setEvaluators` (INVALID_INPUT with `problems: [{ path, message }]`) by field; its message for the list otherwise. */
export function serverEvaluatorProblems(error: unknown): EvaluatorProblems {
  const problems: EvaluatorProblems = new Map();
  if (!error) return problems;
  const listed = (error as { data?: { appDetails?: { problems?: unknown } | null } }).data
    ?.appDetails?.problems;
  if (Array.isArray(listed) && listed.length) {
    for (const problem of listed as { path?: unknown; message?: unknown }[]) {
      const path =
        typeof problem.path === "string" && problem.path !== "" ? problem.path.split(".") : [];
      const rest = path.slice(2).join(".");
      add(problems, keyOf(path), `${rest ? `${rest}: ` : ""}${String(problem.message)}`);
    }
  } else add(problems, "", (error as Error).message);
  return problems;
}

/** Problems of the list as a whole or of one evaluator, shown at its top (not beside a field the form shows). */
export function problemsOutsideFields(
  problems: EvaluatorProblems,
  index: number,
  shownFields: readonly string[],
): string[] {
  return [...problems].flatMap(([key, messages]) => {
    const [at, field] = key.split(".");
    if (at !== String(index)) return [];
    return field === undefined || !shownFields.includes(field)
      ? messages.map((m) => (field === undefined ? m : `${field}: ${m}`))
      : [];
  });
}
