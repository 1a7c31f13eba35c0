import {
  DatasetMappingSchema,
  FIELD_TYPES,
  type DatasetMapping,
  type ImportProblem,
} from "@/engine/evaluation";

export type FieldType = (typeof FIELD_TYPES)[number];
export { FIELD_TYPES };

/**
 * The import dialog's mapping form: one row per column of the file (CSV header, or the keys of
 * the first JSONL lines), each column feeding one part of an item. Turned into the engine's
 * DatasetMapping for `dataset.previewImport` and `dataset.import`.
 */
export const COLUMN_ROLES = ["input", "input-object", "reference", "tags", "id", "skip"] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export const ROLE_LABELS: Record<ColumnRole, string> = {
  input: "Input field",
  "input-object": "Whole input (JSON object)",
  reference: "Reference output",
  tags: "Tags",
  id: "Item id",
  skip: "Not imported",
};

export interface ColumnMapping {
  column: string;
  role: ColumnRole;
  /** The input field's name (role "input"). */
  field: string;
  /** How the value is read (roles "input" and "reference"); "" = as it is (text for CSV). */
  as: FieldType | "";
}

export interface MappingForm {
  columns: ColumnMapping[];
  /** Splits a tags cell ("a;b"). */
  tagSeparator: string;
}

/**
 * The form for a file's columns, filled from a mapping (the server's first guess, or one kept from
 * before); columns the mapping does not read are not imported.
 * @example mappingToForm(["q", "expected"], { input: { fields: { q: { from: "q" } } }, reference: { from: "expected" } }).columns[1].role // → "reference"
 */
export function mappingToForm(columns: readonly string[], mapping: DatasetMapping): MappingForm {
  const form: MappingForm = {
    columns: columns.map((column) => ({ column, role: "skip", field: "", as: "" })),
    tagSeparator: mapping.tags?.separator ?? ";",
  };
  const row = (column: string) => form.columns.find((c) => c.column === column);
  if ("fields" in mapping.input) {
    for (const [field, source] of Object.entries(mapping.input.fields)) {
      const found = row(source.from);
      if (found && found.role === "skip")
        Object.assign(found, { role: "input", field, as: source.as ?? "" });
    }
  } else {
    const found = row(mapping.input.from);
    if (found) found.role = "input-object";
  }
  const reference = mapping.reference ? row(mapping.reference.from) : undefined;
  if (reference && reference.role === "skip")
    Object.assign(reference, { role: "reference", as: mapping.reference?.as ?? "" });
  const tags = mapping.tags ? row(mapping.tags.from) : undefined;
  if (tags && tags.role === "skip") tags.role = "tags";
  const id = mapping.id ? row(mapping.id.from) : undefined;
  if (id && id.role === "skip") id.role = "id";
  return form;
}

export type MappingResult =
  | { ok: true; mapping: DatasetMapping }
  | { ok: false; errors: { column?: string; message: string }[] };

const ONE_ONLY: Partial<Record<ColumnRole, string>> = {
  "input-object": "the whole input",
  reference: "the reference output",
  tags: "the tags",
  id: "the item id",
};

/**
 * The form as a DatasetMapping, or what is wrong with it, by column: every item needs an input
 * (named fields, or one column holding the whole object, not both), and the reference, tags and id
 * each come from one column at most.
 * @example formToMapping({ columns: [{ column: "q", role: "input", field: "question", as: "" }], tagSeparator: ";" })
 *   // → { ok: true, mapping: { input: { fields: { question: { from: "q" } } } } }
 */
export function formToMapping(form: MappingForm): MappingResult {
  const errors: { column?: string; message: string }[] = [];
  for (const [role, what] of Object.entries(ONE_ONLY)) {
    const using = form.columns.filter((c) => c.role === role);
    if (using.length > 1)
      errors.push({
        column: using[1]!.column,
        message: `Only one column can be ${what}: ${using.map((c) => `"${c.column}"`).join(" and ")} both are`,
      });
  }
  const fields = form.columns.filter((c) => c.role === "input");
  const whole = form.columns.find((c) => c.role === "input-object");
  if (whole && fields.length)
    errors.push({
      column: whole.column,
      message: `"${whole.column}" holds the whole input, so other columns cannot be input fields too`,
    });
  if (!whole && fields.length === 0)
    errors.push({
      message: "Map at least one column to an input field (or one column holding the whole input)",
    });
  const names = new Map<string, string>();
  for (const c of fields) {
    const name = c.field.trim();
    if (name === "")
      errors.push({ column: c.column, message: `Name the input field "${c.column}" feeds` });
    else if (names.has(name))
      errors.push({
        column: c.column,
        message: `"${c.column}" and "${names.get(name)}" both feed input.${name}`,
      });
    else names.set(name, c.column);
  }
  if (form.columns.some((c) => c.role === "tags") && form.tagSeparator === "")
    errors.push({ message: "Give the character that separates tags" });
  if (errors.length) return { ok: false, errors };

  const reference = form.columns.find((c) => c.role === "reference");
  const tags = form.columns.find((c) => c.role === "tags");
  const id = form.columns.find((c) => c.role === "id");
  const raw = {
    input: whole
      ? { from: whole.column }
      : {
          fields: Object.fromEntries(
            fields.map((c) => [c.field.trim(), { from: c.column, ...(c.as ? { as: c.as } : {}) }]),
          ),
        },
    ...(reference
      ? { reference: { from: reference.column, ...(reference.as ? { as: reference.as } : {}) } }
      : {}),
    ...(tags ? { tags: { from: tags.column, separator: form.tagSeparator } } : {}),
    ...(id ? { id: { from: id.column } } : {}),
  };
  // The engine's own rules (field names, separator length) say the rest, naming the column.
  const parsed = DatasetMappingSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: flattenUnions(parsed.error.issues).map((issue) => {
        const [part, , name] = issue.path;
        const column =
          part === "input" && typeof name === "string"
            ? names.get(name)
            : part === "tags"
              ? tags?.column
              : undefined;
        return { column, message: column ? `"${column}": ${issue.message}` : issue.message };
      }),
    };
  }
  return { ok: true, mapping: parsed.data };
}

type Issue = {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: Issue[][];
  issues?: Issue[];
};

/**
 * A union's issue says only "Invalid input": the input here is named fields (the first option)
 * whenever fields are mapped, so that option's issues say why; a record key's, its rule's message.
 */
function flattenUnions(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) =>
    issue.code === "invalid_union" && issue.errors?.[0]?.length
      ? flattenUnions(
          issue.errors[0].map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
        )
      : issue.code === "invalid_key" && issue.issues?.[0] // a record's key: its own rule's message
        ? [{ ...issue, message: issue.issues[0].message }]
        : [issue],
  );
}

/** Whether two lists of columns are the same (the file changed shape: the mapping starts over). */
export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((column, index) => column === b[index]);
}

/**
 * A problem as a person reads it, naming where it is.
 * @example describeProblem({ row: 3, column: 2, field: "age", message: "input.age: \"x\" is not a number" }) // → 'Row 3, column 2 (age): input.age: "x" is not a number'
 */
export function describeProblem(problem: ImportProblem): string {
  const where = [
    problem.row === undefined ? null : `Row ${problem.row}`,
    problem.column === undefined ? null : `column ${problem.column}`,
  ]
    .filter(Boolean)
    .join(", ");
  const field =
    problem.field === undefined ? "" : where ? ` (${problem.field})` : `Field ${problem.field}`;
  return where || field ? `${where}${field}: ${problem.message}` : problem.message;
}

/** The import format a file's name suggests. */
export function formatOfFileName(name: string): "csv" | "jsonl" | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json"))
    return "jsonl";
  return null;
}
