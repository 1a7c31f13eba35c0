import { z } from "zod";
import { AppError } from "../errors";
import { toInvalidInput } from "./invalid-input";
import { loadWorkflowDocument } from "./load-workflow-document";
import {
  WorkflowDocumentSchema,
  type WorkflowDocument,
  type WorkflowDocumentInput,
} from "./workflow-document";

export const WORKFLOW_FILE_FORMAT = "maestro.workflow";
/** Bump when the envelope changes; the document inside carries its own version and migrations. */
export const CURRENT_WORKFLOW_FILE_VERSION = 1;

/**
 * A workflow as a file, for export and import between tenants or installations.
 *
 * What leaves is an allowlist: the envelope names its fields and the document goes through
 * WorkflowDocumentSchema, whose z.object drops every key it does not name (selection, dragging,
 * the viewport, anything a client added). Nothing secret can ride along: the document has no
 * secret fields by design. Credentials live in MCP installations and LLM provider settings, which
 * a node only names (`server: "github"`); the importing tenant supplies its own.
 */
export interface WorkflowFile {
  format: typeof WORKFLOW_FILE_FORMAT;
  formatVersion: typeof CURRENT_WORKFLOW_FILE_VERSION;
  name: string;
  description: string;
  document: WorkflowDocument;
}

/**
 * The file of a workflow.
 * @example JSON.stringify(exportWorkflowFile({ name: "Triage", description: "", document }), null, 2)
 */
export function exportWorkflowFile(workflow: {
  name: string;
  description: string;
  document: WorkflowDocumentInput;
}): WorkflowFile {
  const parsed = WorkflowDocumentSchema.safeParse(workflow.document);
  if (!parsed.success) throw toInvalidInput("workflow document", parsed.error);
  return {
    format: WORKFLOW_FILE_FORMAT,
    formatVersion: CURRENT_WORKFLOW_FILE_VERSION,
    name: workflow.name,
    description: workflow.description,
    document: parsed.data,
  };
}

const EnvelopeSchema = z.object({
  formatVersion: z.int().min(1),
  name: z.string().trim().min(1).optional(),
  description: z.string().optional(),
  document: z.unknown().optional(),
});

const FALLBACK_NAME = "Imported workflow";

/**
 * Reads a workflow file: the envelope `exportWorkflowFile` writes, or a bare workflow document
 * (of any known version, migrated to the current one). The name comes from the envelope, else the
 * document, else "Imported workflow". Throws AppError INVALID_INPUT saying what is wrong.
 * @example parseWorkflowFile(JSON.parse(await file.text())).document.nodes.length
 */
export function parseWorkflowFile(json: unknown): WorkflowFile {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalidFile("expected a JSON object");
  }
  if (!("format" in json)) return fromBareDocument(json);
  const { format } = json;
  if (format !== WORKFLOW_FILE_FORMAT) {
    throw invalidFile(`its format is ${JSON.stringify(format)}, not "${WORKFLOW_FILE_FORMAT}"`, {
      format,
    });
  }

  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) throw toInvalidInput("workflow file", envelope.error);
  const { formatVersion, name, description, document } = envelope.data;
  if (formatVersion > CURRENT_WORKFLOW_FILE_VERSION) {
    throw invalidFile(
      `it has format version ${formatVersion}, made by a newer maestro; this one reads up to version ${CURRENT_WORKFLOW_FILE_VERSION}`,
      { formatVersion },
    );
  }
  if (document === undefined) throw invalidFile("it has no document");
  const loaded = loadWorkflowDocument(document);
  return toFile(name ?? loaded.name, description ?? loaded.description, loaded);
}

/** A bare document must at least look like one, so an unrelated JSON file is not imported as an empty workflow. */
function fromBareDocument(json: object): WorkflowFile {
  if (!Array.isArray((json as { nodes?: unknown }).nodes)) {
    throw invalidFile(
      `expected "format": "${WORKFLOW_FILE_FORMAT}" or a workflow document with "nodes"`,
    );
  }
  const loaded = loadWorkflowDocument(json);
  return toFile(loaded.name, loaded.description, loaded);
}

function toFile(
  name: string | undefined,
  description: string | undefined,
  document: WorkflowDocument,
): WorkflowFile {
  return {
    format: WORKFLOW_FILE_FORMAT,
    formatVersion: CURRENT_WORKFLOW_FILE_VERSION,
    name: name?.trim() || FALLBACK_NAME,
    description: description ?? "",
    document,
  };
}

function invalidFile(why: string, details?: Record<string, unknown>): AppError {
  return new AppError(
    "INVALID_INPUT",
    `This is not a workflow file maestro can read: ${why}.`,
    details,
  );
}
