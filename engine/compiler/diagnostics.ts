/**
 * Compile diagnostics. Codes are stable (the canvas and tests key on them); messages are for people.
 * `nodeId`/`edgeId`/`field` point at what to fix, so the canvas can mark the node or edge.
 */
export const DIAGNOSTIC_CODES = [
  "COMPILE_EMPTY",
  "COMPILE_DUPLICATE_ID",
  "COMPILE_CYCLE",
  "COMPILE_DANGLING_EDGE",
  "COMPILE_PORT_MISMATCH",
  "COMPILE_MISSING_CONFIG",
  "COMPILE_INVALID_CONFIG",
  "COMPILE_MULTIPLE_INPUTS",
  "COMPILE_BAD_FALLBACK",
  "COMPILE_BAD_BINDING",
  "COMPILE_BAD_EXPRESSION",
  "SERVER_NOT_FOUND",
  "TOOL_NOT_FOUND",
  "COMPILE_UNREACHABLE",
  "COMPILE_NO_OUTPUT",
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export type Diagnostic = {
  code: DiagnosticCode;
  severity: "error" | "warning";
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** The config field at fault, as a dotted path from the node (e.g. `config.branches[1].when`). */
  field?: string;
};

type Target = { nodeId?: string; edgeId?: string; field?: string };

/** Collects diagnostics in the order found, which follows document order and so is deterministic. */
export class DiagnosticList {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  error(code: DiagnosticCode, message: string, target: Target = {}): void {
    this.errors.push({ code, severity: "error", message, ...target });
  }

  warn(code: DiagnosticCode, message: string, target: Target = {}): void {
    this.warnings.push({ code, severity: "warning", message, ...target });
  }
}
