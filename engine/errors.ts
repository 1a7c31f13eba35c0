/**
 * Errors the domain raises on purpose. Each carries a stable code; server/api/errors.ts maps codes
 * to HTTP/tRPC statuses in one table, so the engine never needs to know about transports.
 */
export const ERROR_CODES = [
  "NOT_FOUND",
  "FORBIDDEN",
  "UNAUTHENTICATED",
  "CONFLICT",
  "INVALID_INPUT",
  "RATE_LIMITED",
  "QUOTA_EXCEEDED",
  /** The same idempotency key was sent again with a different request. */
  "IDEMPOTENCY_MISMATCH",
  /**
   * Something the request needs outside the app (an MCP server) cannot be started or reached; the
   * message says why. Not a failure of the app, so not a 5xx.
   */
  "UNAVAILABLE",
  /**
   * A workflow's publish gate refused the publish: its evaluation scored below the minimum. The
   * details name the evaluation, the score and the regressions.
   */
  "GATE_REFUSED",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** @example throw notFound("workflow", id) */
export const notFound = (what: string, id?: string) =>
  new AppError("NOT_FOUND", id ? `No ${what} with id ${id}` : `No such ${what}`, { what, id });

export const forbidden = (message: string) => new AppError("FORBIDDEN", message);

export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError("CONFLICT", message, details);
