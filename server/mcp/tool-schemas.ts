import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { JsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { z } from "zod";

/**
 * Tool listings are checked one tool at a time. The SDK's own `listTools` parses the whole answer
 * with one strict schema, so a single tool with a bad schema makes every tool of that server
 * unreachable; here that tool is marked unusable, with the reason, and the rest keep working.
 */

/** Just enough structure to read a listing; each tool is then judged on its own. */
export const LooseToolsListSchema = z.looseObject({
  tools: z.array(z.unknown()),
  nextCursor: z.string().optional(),
});

export type ToolDescription = {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /** Null when usable; otherwise why the tool cannot be called. */
  unusableReason: string | null;
};

/** A listed tool with its compiled validators (kept in the connection, not sent anywhere). */
export type CheckedTool = ToolDescription & {
  validateInput?: JsonSchemaValidator<unknown>;
  validateOutput?: JsonSchemaValidator<unknown>;
};

const validator = new AjvJsonSchemaValidator();

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Structural faults that JSON Schema compilers accept silently but that make a form or a call meaningless. */
function findSchemaFault(schema: unknown, path: string, isRoot: boolean): string | null {
  if (!isRecord(schema)) return `${path} is not an object`;
  if (isRoot && schema.type !== "object") {
    return `${path}.type must be "object" (MCP tool inputs are objects), got ${JSON.stringify(schema.type ?? null)}`;
  }
  if (schema.properties !== undefined) {
    if (!isRecord(schema.properties)) return `${path}.properties must be an object`;
    for (const [key, child] of Object.entries(schema.properties)) {
      if (typeof child === "boolean") continue;
      const fault = findSchemaFault(child, `${path}.properties.${key}`, false);
      if (fault) return fault;
    }
  }
  if (
    schema.required !== undefined &&
    !(Array.isArray(schema.required) && schema.required.every((r) => typeof r === "string"))
  ) {
    return `${path}.required must be a list of property names`;
  }
  if (schema.items !== undefined && typeof schema.items !== "boolean") {
    const fault = findSchemaFault(schema.items, `${path}.items`, false);
    if (fault) return fault;
  }
  return null;
}

function compile(schema: Record<string, unknown>): JsonSchemaValidator<unknown> {
  return validator.getValidator(schema);
}

/** Judges one entry of a `tools/list` answer. Never throws. */
export function checkTool(raw: unknown, index: number): CheckedTool {
  if (!isRecord(raw) || typeof raw.name !== "string" || !raw.name) {
    return { name: `#${index + 1}`, inputSchema: {}, unusableReason: "the tool has no name" };
  }
  const base: CheckedTool = {
    name: raw.name,
    ...(typeof raw.title === "string" ? { title: raw.title } : {}),
    ...(typeof raw.description === "string" ? { description: raw.description } : {}),
    inputSchema: isRecord(raw.inputSchema) ? raw.inputSchema : {},
    ...(isRecord(raw.annotations) ? { annotations: raw.annotations } : {}),
    unusableReason: null,
  };
  const fault = findSchemaFault(raw.inputSchema, "inputSchema", true);
  if (fault) return { ...base, unusableReason: `invalid input schema: ${fault}` };
  try {
    base.validateInput = compile(base.inputSchema);
  } catch (error) {
    return {
      ...base,
      unusableReason: `invalid input schema: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (raw.outputSchema !== undefined) {
    if (!isRecord(raw.outputSchema))
      return { ...base, unusableReason: "invalid output schema: not an object" };
    base.outputSchema = raw.outputSchema;
    try {
      base.validateOutput = compile(raw.outputSchema);
    } catch (error) {
      return {
        ...base,
        unusableReason: `invalid output schema: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  return base;
}

/** Checks a whole listing; duplicate names make the later ones unusable. */
export function checkTools(rawTools: unknown[]): CheckedTool[] {
  const seen = new Set<string>();
  return rawTools.map((raw, index) => {
    const tool = checkTool(raw, index);
    if (seen.has(tool.name))
      return { ...tool, unusableReason: "another tool of this server has the same name" };
    seen.add(tool.name);
    return tool;
  });
}

/** Drops the compiled validators: what may be stored or sent to the browser. */
export function describeTool(tool: CheckedTool): ToolDescription {
  const { validateInput: _i, validateOutput: _o, ...description } = tool;
  return description;
}
