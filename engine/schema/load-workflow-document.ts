import { z } from "zod";
import { AppError } from "../errors";
import { toInvalidInput } from "./invalid-input";
import { migrateV1ToV2, WorkflowDocumentV1Schema } from "./document-v1";
import {
  CURRENT_DOCUMENT_VERSION,
  WorkflowDocumentSchema,
  type WorkflowDocument,
} from "./workflow-document";

/** One entry per older version: parse that version's shape, return the next version's input. */
const MIGRATIONS: Record<number, (doc: unknown) => unknown> = {
  1: (doc) => migrateV1ToV2(WorkflowDocumentV1Schema.parse(doc)),
};

function readVersion(doc: unknown): number {
  if (typeof doc !== "object" || doc === null) return CURRENT_DOCUMENT_VERSION;
  const version = (doc as { version?: unknown }).version;
  // Documents saved before versioning (including the `{}` a new workflow starts as) are v1.
  return version === undefined ? 1 : typeof version === "number" ? version : Number.NaN;
}

/**
 * Opens a saved workflow document of any known version: migrates it step by step to the current
 * version, then parses it, which also drops view state (selection, viewport) and unknown fields.
 * Throws AppError INVALID_INPUT naming the first problem.
 * @example const doc = loadWorkflowDocument(row.document) // v1 or v2 in, v2 out
 */
export function loadWorkflowDocument(raw: unknown): WorkflowDocument {
  let doc = raw;
  let version = readVersion(doc);
  if (!Number.isInteger(version) || version < 1 || version > CURRENT_DOCUMENT_VERSION) {
    throw new AppError("INVALID_INPUT", `Unknown workflow document version ${String(version)}`, {
      version,
    });
  }
  try {
    for (; version < CURRENT_DOCUMENT_VERSION; version++) {
      const migrate = MIGRATIONS[version];
      if (!migrate)
        throw new AppError("INVALID_INPUT", `No migration from document version ${version}`);
      doc = migrate(doc);
    }
  } catch (error) {
    if (error instanceof z.ZodError)
      throw toInvalidInput(`workflow document (version ${version})`, error);
    throw error;
  }
  const parsed = WorkflowDocumentSchema.safeParse(doc);
  if (!parsed.success) throw toInvalidInput("workflow document", parsed.error);
  return parsed.data;
}
