import { z } from "zod";
import type { JsonSchema } from "./json-schema";
import type { WorkflowDocumentInput } from "./workflow-document";

/**
 * Version 1, the first saved shape: nodes had a `type` (`prompt` for one LLM call, `if` for a
 * condition), flat `x`/`y`, a loose `data` bag, and `connections` with an optional `branch`
 * (`then`/`else`) instead of edges between named ports. Kept only so old workflows still open.
 */
export const WorkflowDocumentV1Schema = z.object({
  version: z.literal(1).optional(),
  name: z.string().optional(),
  nodes: z
    .array(
      z.object({
        id: z.string(),
        type: z.enum(["input", "prompt", "agent", "tool", "if", "output"]),
        x: z.number().optional(),
        y: z.number().optional(),
        data: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .default([]),
  connections: z
    .array(
      z.object({ from: z.string(), to: z.string(), branch: z.enum(["then", "else"]).optional() }),
    )
    .default([]),
});
export type WorkflowDocumentV1 = z.output<typeof WorkflowDocumentV1Schema>;

type V1Node = WorkflowDocumentV1["nodes"][number];
type V2NodeInput = WorkflowDocumentInput["nodes"] extends (infer N)[] | undefined ? N : never;

const readString = (value: unknown) => (typeof value === "string" ? value : undefined);
const readStrings = (value: unknown) =>
  Array.isArray(value) && value.every((v) => typeof v === "string")
    ? (value as string[])
    : undefined;
const readInt = (value: unknown) => (Number.isInteger(value) ? (value as number) : undefined);

function migrateInputFields(fields: unknown): JsonSchema | undefined {
  const names = readStrings(fields);
  if (!names) return undefined;
  return {
    type: "object",
    properties: Object.fromEntries(names.map((name) => [name, { type: "string" as const }])),
    required: names,
  };
}

function migrateNode(node: V1Node): V2NodeInput {
  const d = node.data;
  const base = {
    id: node.id,
    label: readString(d.label),
    position: node.x !== undefined && node.y !== undefined ? { x: node.x, y: node.y } : undefined,
  };
  switch (node.type) {
    case "input":
      return { ...base, kind: "input", config: { schema: migrateInputFields(d.fields) } };
    case "prompt":
      return {
        ...base,
        kind: "llm",
        config: {
          prompt: readString(d.template),
          system: readString(d.system),
          model: readString(d.model),
        },
      };
    case "agent":
      return {
        ...base,
        kind: "agent",
        config: {
          instructions: readString(d.systemPrompt),
          model: readString(d.model),
          mcpServers: readStrings(d.servers),
          allowedTools: readStrings(d.tools),
          maxSteps: readInt(d.maxTurns),
        },
      };
    case "tool": {
      const args =
        typeof d.args === "object" && d.args !== null
          ? (d.args as Record<string, never>)
          : undefined;
      return {
        ...base,
        kind: "tool",
        config: { server: readString(d.server), tool: readString(d.tool), args },
      };
    }
    case "if":
      return { ...base, kind: "condition", config: { when: readString(d.expression) } };
    case "output":
      return { ...base, kind: "output", config: { name: readString(d.name) } };
  }
}

/**
 * Migrates a v1 document to v2: renames kinds and fields, turns connections into edges between
 * ports (a `then`/`else` branch becomes the condition's `true`/`false` port), and gives edges
 * stable ids. The result is a v2 document input, parsed afterwards like any other.
 * @example migrateV1ToV2({ nodes: [{ id: "a", type: "prompt", data: { template: "Hi" } }], connections: [] })
 */
export function migrateV1ToV2(doc: WorkflowDocumentV1): WorkflowDocumentInput {
  const seen = new Map<string, number>();
  const edges = doc.connections.map((c) => {
    const key = `${c.from}->${c.to}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return {
      id: count === 1 ? key : `${key}#${count}`,
      source: c.from,
      sourcePort: c.branch === "then" ? "true" : c.branch === "else" ? "false" : "out",
      target: c.to,
      targetPort: "in",
    };
  });
  return { version: 2, name: doc.name, nodes: doc.nodes.map(migrateNode), edges };
}
