import { z } from "zod";
import { readPath } from "../schema/template";

/**
 * How the rows of an imported file become dataset items. `from` names a CSV column by its header,
 * or a field of a JSONL line by a dotted path (`answer.text`, `choices[0]`; a key that itself holds
 * dots is found first). `as` converts: CSV cells are text unless told otherwise, JSONL values are
 * kept as they are.
 */
export const FIELD_TYPES = ["text", "number", "boolean", "json"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FieldSourceSchema = z.object({
  from: z.string().trim().min(1, "name the column or field to read"),
  as: z.enum(FIELD_TYPES).optional(),
});
export type FieldSource = z.infer<typeof FieldSourceSchema>;

const INPUT_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Names that would reach an object's prototype instead of becoming a key (see engine/schema/unsafe-keys.ts). */
const RESERVED_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** Reserved names are refused on the raw keys: zod's record drops a "__proto__" key without a word. */
function refuseReservedFieldNames(
  raw: unknown,
  ctx: { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void },
) {
  const fields = (raw as { input?: { fields?: unknown } } | null)?.input?.fields;
  if (typeof fields === "object" && fields !== null)
    for (const name of Object.keys(fields).filter((key) => RESERVED_NAMES.has(key)))
      ctx.addIssue({
        code: "custom",
        path: ["input", "fields", name],
        message: `"${name}" cannot be an input field name`,
      });
  return raw;
}

const MappingObjectSchema = z.object({
  /**
   * Either named input fields, each read from a column or field, or one column/field holding the
   * whole input object (JSON).
   */
  input: z.union([
    z.object({
      fields: z
        .record(
          z
            .string()
            .regex(
              INPUT_FIELD_NAME,
              "an input field name is letters, digits, _ or -, not starting with a digit",
            ),
          FieldSourceSchema,
        )
        .refine((fields) => Object.keys(fields).length > 0, "map at least one input field"),
    }),
    z.object({
      from: z.string().trim().min(1, "name the column or field holding the input object"),
    }),
  ]),
  reference: FieldSourceSchema.optional(),
  tags: z
    .object({ from: z.string().trim().min(1), separator: z.string().min(1).max(3).default(";") })
    .optional(),
  id: z.object({ from: z.string().trim().min(1) }).optional(),
});
export const DatasetMappingSchema = z.preprocess(refuseReservedFieldNames, MappingObjectSchema);
export type DatasetMapping = z.output<typeof DatasetMappingSchema>;
export type DatasetMappingInput = z.input<typeof MappingObjectSchema>;

/** Names of columns or fields the mapping reads, with what they feed (for a missing-column message). */
export function listMappedSources(mapping: DatasetMapping): { from: string; feeds: string }[] {
  const sources: { from: string; feeds: string }[] = [];
  if ("fields" in mapping.input) {
    for (const [name, source] of Object.entries(mapping.input.fields))
      sources.push({ from: source.from, feeds: `input.${name}` });
  } else sources.push({ from: mapping.input.from, feeds: "input" });
  if (mapping.reference) sources.push({ from: mapping.reference.from, feeds: "reference" });
  if (mapping.tags) sources.push({ from: mapping.tags.from, feeds: "tags" });
  if (mapping.id) sources.push({ from: mapping.id.from, feeds: "id" });
  return sources;
}

export type Converted = { ok: true; value: unknown } | { ok: false; error: string };

const TRUE_WORDS = new Set(["true", "yes", "1"]);
const FALSE_WORDS = new Set(["false", "no", "0"]);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return typeof value === "string"
    ? `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`
    : String(value);
}

/**
 * Converts a CSV cell (text) or a JSONL value to the mapped type. `undefined` in, or an empty CSV
 * cell, means absent: a workflow's optional input is left out rather than set to "".
 * @example convertValue("42", "number", "csv") // → { ok: true, value: 42 }
 */
export function convertValue(
  raw: unknown,
  as: FieldType | undefined,
  format: "csv" | "jsonl",
): Converted {
  if (raw === undefined || (format === "csv" && raw === "")) return { ok: true, value: undefined };
  const type = as ?? (format === "csv" ? "text" : "json");
  switch (type) {
    case "json":
      if (format === "jsonl") return { ok: true, value: raw };
      try {
        return { ok: true, value: JSON.parse(raw as string) };
      } catch (error) {
        return { ok: false, error: `is not valid JSON (${(error as Error).message})` };
      }
    case "text":
      if (typeof raw === "string") return { ok: true, value: raw };
      if (typeof raw === "number" || typeof raw === "boolean")
        return { ok: true, value: String(raw) };
      return { ok: false, error: `expected text, got ${describe(raw)}` };
    case "number": {
      if (typeof raw === "number") return { ok: true, value: raw };
      const text = typeof raw === "string" ? raw.trim() : "";
      const number = text === "" ? Number.NaN : Number(text);
      return Number.isFinite(number)
        ? { ok: true, value: number }
        : { ok: false, error: `${describe(raw)} is not a number` };
    }
    case "boolean": {
      if (typeof raw === "boolean") return { ok: true, value: raw };
      const word = typeof raw === "string" ? raw.trim().toLowerCase() : "";
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, error: `${describe(raw)} is not true/false, yes/no or 1/0` };
    }
  }
}

/**
 * Reads a JSONL field: an own key spelled exactly as `from` first, else the dotted path.
 * @example readField({ a: { b: 1 } }, "a.b") // → 1
 */
export function readField(record: Record<string, unknown>, from: string): unknown {
  if (Object.hasOwn(record, from)) return record[from];
  const segments = from
    .split(/\.|\[(\d+)\]/)
    .filter((segment) => segment !== undefined && segment !== "");
  const found = readPath(record, segments);
  return found.found ? found.value : undefined;
}

const REFERENCE_NAMES = [
  "reference",
  "expected",
  "expected_output",
  "expectedoutput",
  "expected output",
  "ideal",
  "answer",
  "target",
];

function normalise(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/** Turns a header such as "Customer name" into an input field name ("customer_name"). */
function toFieldName(header: string, taken: Set<string>): string {
  let name =
    header
      .trim()
      .replace(/[^A-Za-z0-9_-]+/g, "_")
      .replace(/^_+|_+$/g, "") || "field";
  if (!/^[A-Za-z_]/.test(name)) name = `_${name}`;
  if (RESERVED_NAMES.has(name)) name = `${name}_field`;
  let unique = name;
  for (let n = 2; taken.has(unique); n++) unique = `${name}_${n}`;
  taken.add(unique);
  return unique;
}

/**
 * A first guess the preview starts from: columns named like a reference answer, tags or id go there,
 * every other column becomes an input field of the same (cleaned) name. For JSONL lines holding an
 * `input` object, that object is the input.
 * @example suggestMapping(["question", "expected"]) // → { input: { fields: { question: { from: "question" } } }, reference: { from: "expected" } }
 */
export function suggestMapping(
  columns: readonly string[],
  options: { inputObject?: boolean } = {},
): DatasetMapping {
  const byName = new Map(columns.map((column) => [normalise(column), column]));
  const reference = REFERENCE_NAMES.map((name) => byName.get(normalise(name))).find(
    (column) => column !== undefined,
  );
  const tags = byName.get("tags") ?? byName.get("tag");
  const id = byName.get("id");
  const used = new Set(
    [reference, tags, id].filter((column): column is string => column !== undefined),
  );
  const mapping: DatasetMapping = { input: { from: "input" } };
  if (options.inputObject && columns.includes("input")) used.add("input");
  else {
    const taken = new Set<string>();
    const fields: Record<string, FieldSource> = {};
    for (const column of columns)
      if (!used.has(column)) fields[toFieldName(column, taken)] = { from: column };
    mapping.input = { fields };
  }
  if (reference) mapping.reference = { from: reference };
  if (tags) mapping.tags = { from: tags, separator: ";" };
  if (id) mapping.id = { from: id };
  return mapping;
}
