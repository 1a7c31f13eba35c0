import { DatasetItemSchema, type DatasetItem, type StoredDatasetItem } from "@/engine/evaluation";

/**
 * The "Add item" / "Edit item" form: the input as a JSON object, an optional reference answer
 * (plain text, or JSON for a structured answer), tags separated by commas.
 */
export interface ItemFormValues {
  /** Empty: the server gives the new item an id. Editing keeps the item's id (the new version replaces it). */
  id: string;
  input: string;
  reference: string;
  referenceKind: "none" | "text" | "json";
  tags: string;
}

export type ItemFormErrors = Partial<
  Record<"id" | "input" | "reference" | "tags" | "form", string>
>;

export const EMPTY_ITEM_FORM: ItemFormValues = {
  id: "",
  input: "{\n  \n}",
  reference: "",
  referenceKind: "none",
  tags: "",
};

/** An item shown in the form for editing. */
export function itemToForm(item: StoredDatasetItem): ItemFormValues {
  const reference = item.reference;
  return {
    id: item.id,
    input: JSON.stringify(item.input, null, 2),
    reference:
      reference === undefined
        ? ""
        : typeof reference === "string"
          ? reference
          : JSON.stringify(reference, null, 2),
    referenceKind:
      reference === undefined ? "none" : typeof reference === "string" ? "text" : "json",
    tags: item.tags.join(", "),
  };
}

function jsonError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The form as an item for `dataset.addItems`, or a message per field saying what to fix.
 * @example formToItem({ id: "", input: '{"name":"Ada"}', reference: "Hello, Ada!", referenceKind: "text", tags: "vip, new" })
 *   // → { ok: true, item: { input: { name: "Ada" }, reference: "Hello, Ada!", tags: ["vip", "new"] } }
 */
export function formToItem(
  values: ItemFormValues,
): { ok: true; item: DatasetItem } | { ok: false; errors: ItemFormErrors } {
  const errors: ItemFormErrors = {};
  let input: unknown;
  if (values.input.trim() === "")
    errors.input = 'Write the input as a JSON object, e.g. {"name": "Ada"}';
  else {
    const problem = jsonError(values.input);
    if (problem) errors.input = `The input is not valid JSON: ${problem}`;
    else {
      input = JSON.parse(values.input);
      if (typeof input !== "object" || input === null || Array.isArray(input))
        errors.input =
          'The input must be a JSON object of the workflow\'s input fields, e.g. {"name": "Ada"}';
    }
  }
  let reference: unknown;
  if (values.referenceKind === "text") reference = values.reference;
  else if (values.referenceKind === "json") {
    if (values.reference.trim() === "")
      errors.reference = "Write the reference as JSON, or choose no reference";
    else {
      const problem = jsonError(values.reference);
      if (problem) errors.reference = `The reference is not valid JSON: ${problem}`;
      else reference = JSON.parse(values.reference);
    }
  }
  const tags = values.tags
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  if (Object.keys(errors).length) return { ok: false, errors };

  const parsed = DatasetItemSchema.safeParse({
    ...(values.id.trim() ? { id: values.id.trim() } : {}),
    input,
    ...(reference === undefined ? {} : { reference }),
    tags,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      const field =
        key === "id" || key === "input" || key === "tags" || key === "reference" ? key : "form";
      errors[field] ??=
        field === "tags" ? `Tag ${Number(issue.path[1]) + 1}: ${issue.message}` : issue.message;
    }
    return { ok: false, errors };
  }
  return { ok: true, item: parsed.data };
}

/**
 * A JSON value in one short line for a table cell.
 * @example previewJson({ name: "Ada" }) // → '{"name":"Ada"}'
 */
export function previewJson(value: unknown, max = 120): string {
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
