import { z } from "zod";

/**
 * The subset of JSON Schema the engine understands: enough to describe a run's input form and an
 * LLM's structured output, small enough to validate without a dependency. Unknown keywords are
 * dropped on load rather than rejected, so schemas pasted from elsewhere still open.
 */
export type JsonSchema = {
  type?: "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: Array<string | number | boolean | null>;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

export const JsonSchemaSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.object({
    type: z.enum(["object", "array", "string", "number", "integer", "boolean", "null"]).optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    properties: z.record(z.string(), JsonSchemaSchema).optional(),
    required: z.array(z.string()).optional(),
    additionalProperties: z.boolean().optional(),
    items: JsonSchemaSchema.optional(),
    enum: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minLength: z.int().nonnegative().optional(),
    maxLength: z.int().nonnegative().optional(),
    minItems: z.int().nonnegative().optional(),
    maxItems: z.int().nonnegative().optional(),
  }),
);

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function matchesType(value: unknown, type: NonNullable<JsonSchema["type"]>): boolean {
  switch (type) {
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

function collectProblems(
  value: unknown,
  schema: JsonSchema,
  path: string,
  problems: string[],
): void {
  if (schema.type && !matchesType(value, schema.type)) {
    problems.push(`${path}: expected ${schema.type}, got ${describeType(value)}`);
    return;
  }
  if (schema.enum && !schema.enum.some((option) => option === value)) {
    problems.push(
      `${path}: must be one of ${schema.enum.map((o) => JSON.stringify(o)).join(", ")}`,
    );
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      problems.push(`${path}: must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      problems.push(`${path}: must be at most ${schema.maxLength} characters`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(`${path}: must be ≥ ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(`${path}: must be ≤ ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      problems.push(`${path}: needs at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      problems.push(`${path}: allows at most ${schema.maxItems} items`);
    if (schema.items) {
      for (let i = 0; i < value.length; i++)
        collectProblems(value[i], schema.items, `${path}[${i}]`, problems);
    }
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) problems.push(`${path}.${key}: is required`);
    }
    const properties = schema.properties ?? {};
    for (const [key, child] of Object.entries(record)) {
      const childSchema = properties[key];
      if (childSchema) collectProblems(child, childSchema, `${path}.${key}`, problems);
      else if (schema.additionalProperties === false)
        problems.push(`${path}.${key}: is not allowed`);
    }
  }
}

/**
 * Lists every way `value` breaks `schema`, as readable lines; empty when it conforms.
 * @example validateJsonSchema({ topic: 3 }, { type: "object", properties: { topic: { type: "string" } } })
 *   // → ["input.topic: expected string, got number"]
 */
export function validateJsonSchema(
  value: unknown,
  schema: JsonSchema,
  rootName = "input",
): string[] {
  const problems: string[] = [];
  collectProblems(value, schema, rootName, problems);
  return problems;
}
