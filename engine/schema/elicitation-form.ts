/**
 * The form an MCP server asks a person to fill in (elicitation, form mode, revision 2025-11-25):
 * a flat object whose properties are strings, numbers, integers, booleans or enums. Pure, so the
 * tool runner's form, the run page and the server's check of an answer read one definition.
 *
 * @example
 *   const fields = readElicitationFields({ type: "object", properties: { n: { type: "integer" } } });
 *   checkElicitationContent(fields, { n: 2 }); // → []
 */

export type ElicitationOption = { value: string; label: string };

export type ElicitationField = {
  name: string;
  title: string;
  description?: string;
  required: boolean;
  kind: "string" | "number" | "integer" | "boolean" | "enum" | "multi";
  options?: ElicitationOption[];
  default?: string | number | boolean | string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: "email" | "uri" | "date" | "date-time";
};

export type ElicitationValue = string | number | boolean | string[];

const FORMATS = ["email", "uri", "date", "date-time"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

function readOptions(name: string, def: Record<string, unknown>): ElicitationOption[] | undefined {
  const plain = def.enum;
  if (Array.isArray(plain)) {
    const names = Array.isArray(def.enumNames) ? def.enumNames : [];
    return plain.map((v, i) => {
      if (typeof v !== "string") throw new Error(`property "${name}": enum values must be strings`);
      return { value: v, label: typeof names[i] === "string" ? names[i] : v };
    });
  }
  const titled = def.oneOf ?? def.anyOf;
  if (Array.isArray(titled)) {
    return titled.map((o) => {
      if (!isRecord(o) || typeof o.const !== "string")
        throw new Error(`property "${name}": each option needs a string "const"`);
      return { value: o.const, label: typeof o.title === "string" ? o.title : o.const };
    });
  }
  return undefined;
}

function readField(name: string, def: unknown, required: boolean): ElicitationField {
  if (!isRecord(def)) throw new Error(`property "${name}" is not a schema object`);
  for (const nested of ["properties", "$ref", "allOf", "not", "if", "patternProperties"]) {
    if (nested in def)
      throw new Error(
        `property "${name}" uses "${nested}"; only flat primitive properties are allowed`,
      );
  }
  const base = {
    name,
    title: str(def.title) ?? name,
    ...(str(def.description) !== undefined ? { description: str(def.description) } : {}),
    required,
  };
  const type = def.type;
  if (type === "boolean") {
    const d = typeof def.default === "boolean" ? def.default : undefined;
    return { ...base, kind: "boolean", ...(d !== undefined ? { default: d } : {}) };
  }
  if (type === "number" || type === "integer") {
    const d = num(def.default);
    return {
      ...base,
      kind: type,
      ...(d !== undefined ? { default: d } : {}),
      ...(num(def.minimum) !== undefined ? { minimum: num(def.minimum) } : {}),
      ...(num(def.maximum) !== undefined ? { maximum: num(def.maximum) } : {}),
    };
  }
  if (type === "string") {
    const options = readOptions(name, def);
    const d = str(def.default);
    if (options)
      return { ...base, kind: "enum", options, ...(d !== undefined ? { default: d } : {}) };
    const format = str(def.format);
    if (format !== undefined && !(FORMATS as readonly string[]).includes(format))
      throw new Error(`property "${name}" has format "${format}"; allowed: ${FORMATS.join(", ")}`);
    return {
      ...base,
      kind: "string",
      ...(d !== undefined ? { default: d } : {}),
      ...(num(def.minLength) !== undefined ? { minLength: num(def.minLength) } : {}),
      ...(num(def.maxLength) !== undefined ? { maxLength: num(def.maxLength) } : {}),
      ...(format !== undefined ? { format: format as ElicitationField["format"] } : {}),
    };
  }
  if (type === "array" && isRecord(def.items)) {
    const options = readOptions(name, def.items);
    if (!options)
      throw new Error(`property "${name}" is an array of something other than enum options`);
    const d = Array.isArray(def.default) && def.default.every((v) => typeof v === "string");
    return {
      ...base,
      kind: "multi",
      options,
      ...(d ? { default: def.default as string[] } : {}),
      ...(num(def.minItems) !== undefined ? { minItems: num(def.minItems) } : {}),
      ...(num(def.maxItems) !== undefined ? { maxItems: num(def.maxItems) } : {}),
    };
  }
  throw new Error(
    `property "${name}" has type ${JSON.stringify(type ?? null)}; the 2025-11-25 elicitation allows only string, number, integer, boolean and enum properties`,
  );
}

/** Reads a requestedSchema into form fields; throws an Error whose message says what is refused. */
export function readElicitationFields(schema: unknown): ElicitationField[] {
  if (!isRecord(schema) || schema.type !== "object")
    throw new Error('requestedSchema must be an object schema ({ "type": "object", ... })');
  const properties = schema.properties ?? {};
  if (!isRecord(properties)) throw new Error("requestedSchema.properties must be an object");
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(properties).map(([name, def]) => {
    // A key that, set on a plain object, changes its prototype instead of holding a value.
    if (name === "__proto__") throw new Error('a property may not be named "__proto__"');
    return readField(name, def, required.includes(name));
  });
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function checkFormat(format: ElicitationField["format"], v: string): boolean {
  if (format === "email") return EMAIL.test(v);
  if (format === "date") return DATE.test(v) && !Number.isNaN(Date.parse(v));
  if (format === "date-time") return DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
  if (format === "uri") {
    try {
      return new URL(v).protocol.length > 1;
    } catch {
      return false;
    }
  }
  return true;
}

function checkValue(f: ElicitationField, v: unknown): string | undefined {
  const label = `"${f.title}"`;
  switch (f.kind) {
    case "boolean":
      return typeof v === "boolean" ? undefined : `${label} must be true or false`;
    case "number":
    case "integer": {
      if (typeof v !== "number" || !Number.isFinite(v)) return `${label} must be a number`;
      if (f.kind === "integer" && !Number.isInteger(v)) return `${label} must be a whole number`;
      if (f.minimum !== undefined && v < f.minimum) return `${label} must be at least ${f.minimum}`;
      if (f.maximum !== undefined && v > f.maximum) return `${label} must be at most ${f.maximum}`;
      return undefined;
    }
    case "enum":
      return typeof v === "string" && f.options?.some((o) => o.value === v)
        ? undefined
        : `${label} must be one of the offered options`;
    case "multi": {
      if (!Array.isArray(v) || !v.every((x) => f.options?.some((o) => o.value === x)))
        return `${label} must be a list of the offered options`;
      if (f.minItems !== undefined && v.length < f.minItems)
        return `${label} needs at least ${f.minItems} choices`;
      if (f.maxItems !== undefined && v.length > f.maxItems)
        return `${label} allows at most ${f.maxItems} choices`;
      return undefined;
    }
    case "string": {
      if (typeof v !== "string") return `${label} must be text`;
      if (f.minLength !== undefined && v.length < f.minLength)
        return `${label} needs at least ${f.minLength} characters`;
      if (f.maxLength !== undefined && v.length > f.maxLength)
        return `${label} allows at most ${f.maxLength} characters`;
      if (f.format && !checkFormat(f.format, v)) return `${label} must be a valid ${f.format}`;
      return undefined;
    }
  }
}

/** Checks an accepted answer against the form: the problems, in words, or [] when it fits. */
export function checkElicitationContent(fields: ElicitationField[], content: unknown): string[] {
  if (!isRecord(content)) return ["the answer must be an object of field values"];
  const problems: string[] = [];
  const known = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(content))
    if (!known.has(key)) problems.push(`"${key}" was not asked for`);
  for (const f of fields) {
    // Own values only: an empty optional field named "constructor" is not Object's constructor.
    const v = Object.hasOwn(content, f.name) ? content[f.name] : undefined;
    if (v === undefined || v === null || v === "") {
      if (f.required) problems.push(`"${f.title}" is required`);
      continue;
    }
    const problem = checkValue(f, v);
    if (problem) problems.push(problem);
  }
  return problems;
}
