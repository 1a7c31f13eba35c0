import { z } from "zod";
import {
  checkElicitationContent,
  readElicitationFields,
  type ElicitationField,
} from "@/engine/schema/elicitation-form";

/**
 * Elicitation: an MCP server asking the person behind a call for input. This is the one shape the
 * rest of the app deals in, whichever protocol revision carried the question (2025-11-25's
 * `elicitation/create` request, or 2026-07-28's `input_required` result): whoever shows it (the
 * tool runner, a waiting run step) is an ElicitHandler.
 */
export type ElicitationRequest =
  | { mode: "form"; message: string; requestedSchema: Record<string, unknown> }
  | { mode: "url"; message: string; url: string; elicitationId: string };
export type ElicitationAnswer = {
  action: "accept" | "decline" | "cancel";
  content?: Record<string, string | number | boolean | string[]>;
};
export type ElicitHandler = (
  request: ElicitationRequest,
  signal: AbortSignal,
) => Promise<ElicitationAnswer>;

/** A request we refuse to show; its message goes back to the server as the error of its request. */
export class ElicitationRefusedError extends Error {
  override name = "ElicitationRefusedError";
}

export const ELICITATION_LIMITS = {
  requestBytes: 64 * 1024,
  depth: 8,
  messageChars: 4_000,
  properties: 50,
  nameChars: 100,
  options: 200,
  urlChars: 2_048,
  idChars: 256,
} as const;

function depthOf(v: unknown, d = 0): number {
  if (typeof v !== "object" || v === null) return d;
  let max = d + 1;
  for (const x of Object.values(v)) max = Math.max(max, depthOf(x, d + 1));
  return max;
}

const messageSchema = z.string().max(ELICITATION_LIMITS.messageChars);
const formParams = z.object({
  mode: z.literal("form").optional(),
  message: messageSchema,
  requestedSchema: z.record(z.string(), z.unknown()),
});
const urlParams = z.object({
  mode: z.literal("url"),
  message: messageSchema,
  url: z.string().min(1).max(ELICITATION_LIMITS.urlChars),
  elicitationId: z.string().min(1).max(ELICITATION_LIMITS.idChars),
});

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The target of a URL-mode request, shown plainly; only https, or http on loopback. */
export function readElicitationUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ElicitationRefusedError("the elicitation url is not a valid URL");
  }
  const ok = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
  if (!ok) throw new ElicitationRefusedError("the elicitation url must use https");
  if (url.username || url.password)
    throw new ElicitationRefusedError("the elicitation url must not carry credentials");
  return url;
}

function normalizeSchema(fields: ElicitationField[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    const { name: _n, required: _r, kind, options, ...rest } = f;
    if (kind === "enum") properties[f.name] = { ...rest, type: "string", oneOf: toOneOf(options) };
    else if (kind === "multi")
      properties[f.name] = { ...rest, type: "array", items: { anyOf: toOneOf(options) } };
    else properties[f.name] = { ...rest, type: kind };
  }
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}
const toOneOf = (options: ElicitationField["options"]) =>
  (options ?? []).map((o) => ({ const: o.value, title: o.label }));

/**
 * Parses the params of an incoming `elicitation/create` (or the elicitation inside an
 * `input_required` result). Form schemas are read into flat primitive fields and handed on in one
 * normalized shape; anything else throws ElicitationRefusedError saying why.
 */
export function parseElicitationRequest(params: unknown): ElicitationRequest {
  let size: number;
  try {
    size = JSON.stringify(params ?? null).length;
  } catch {
    throw new ElicitationRefusedError("the elicitation request is not JSON");
  }
  if (size > ELICITATION_LIMITS.requestBytes)
    throw new ElicitationRefusedError(
      `the elicitation request is larger than ${ELICITATION_LIMITS.requestBytes} bytes`,
    );
  if (depthOf(params) > ELICITATION_LIMITS.depth)
    throw new ElicitationRefusedError("the elicitation request is nested too deeply");
  const mode = (params as { mode?: unknown } | null)?.mode;
  if (mode === "url") {
    const p = urlParams.safeParse(params);
    if (!p.success)
      throw new ElicitationRefusedError(`invalid url elicitation: ${firstIssue(p.error)}`);
    readElicitationUrl(p.data.url);
    return {
      mode: "url",
      message: p.data.message,
      url: p.data.url,
      elicitationId: p.data.elicitationId,
    };
  }
  if (mode !== undefined && mode !== "form")
    throw new ElicitationRefusedError(`unknown elicitation mode ${JSON.stringify(mode)}`);
  const p = formParams.safeParse(params);
  if (!p.success)
    throw new ElicitationRefusedError(`invalid form elicitation: ${firstIssue(p.error)}`);
  let fields: ElicitationField[];
  try {
    fields = readElicitationFields(p.data.requestedSchema);
  } catch (e) {
    throw new ElicitationRefusedError(`requestedSchema refused: ${(e as Error).message}`);
  }
  if (fields.length > ELICITATION_LIMITS.properties)
    throw new ElicitationRefusedError(
      `requestedSchema has more than ${ELICITATION_LIMITS.properties} properties`,
    );
  for (const f of fields) {
    if (f.name.length > ELICITATION_LIMITS.nameChars)
      throw new ElicitationRefusedError(
        `a property name is longer than ${ELICITATION_LIMITS.nameChars} characters`,
      );
    if ((f.options?.length ?? 0) > ELICITATION_LIMITS.options)
      throw new ElicitationRefusedError(
        `property "${f.name}" offers more than ${ELICITATION_LIMITS.options} options`,
      );
  }
  return { mode: "form", message: p.data.message, requestedSchema: normalizeSchema(fields) };
}

const firstIssue = (e: z.ZodError) => {
  const i = e.issues[0];
  return i ? `${i.path.join(".") || "params"}: ${i.message}` : "invalid";
};

const answerSchema = z.object({
  action: z.enum(["accept", "decline", "cancel"]),
  content: z
    .record(
      z.string().max(ELICITATION_LIMITS.nameChars),
      z.union([
        z.string().max(10_000),
        z.number(),
        z.boolean(),
        z.array(z.string().max(1_000)).max(200),
      ]),
    )
    .optional(),
});

/** The zod shape of an answer as a person sends it (tRPC inputs reuse it). */
export const elicitationAnswerSchema = answerSchema;

export type CheckedAnswer =
  { ok: true; answer: ElicitationAnswer } | { ok: false; problems: string[] };

/**
 * Checks an answer against the request it answers. An accepted form answer must fit the
 * requestedSchema (empty optional fields are dropped); a URL-mode answer never carries content,
 * since what the user gave went straight to the server's page, not through us.
 */
export function checkElicitationAnswer(request: ElicitationRequest, raw: unknown): CheckedAnswer {
  const p = answerSchema.safeParse(raw);
  if (!p.success) return { ok: false, problems: [firstIssue(p.error)] };
  const { action, content } = p.data;
  if (action !== "accept" || request.mode === "url") return { ok: true, answer: { action } };
  const fields = readElicitationFields(request.requestedSchema);
  const problems = checkElicitationContent(fields, content ?? {});
  if (problems.length) return { ok: false, problems };
  const kept: NonNullable<ElicitationAnswer["content"]> = {};
  for (const [k, v] of Object.entries(content ?? {})) if (v !== "") kept[k] = v;
  return { ok: true, answer: { action, content: kept } };
}
