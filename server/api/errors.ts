import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { AppError, type ErrorCode } from "@/engine/errors";

/** The one mapping from domain error codes to tRPC (and so HTTP) statuses. */
const TRPC_CODES: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHENTICATED: "UNAUTHORIZED",
  CONFLICT: "CONFLICT",
  INVALID_INPUT: "BAD_REQUEST",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  QUOTA_EXCEEDED: "TOO_MANY_REQUESTS",
  IDEMPOTENCY_MISMATCH: "UNPROCESSABLE_CONTENT",
  UNAVAILABLE: "PRECONDITION_FAILED",
  GATE_REFUSED: "PRECONDITION_FAILED",
};

export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: TRPC_CODES[error.code], message: error.message, cause: error });
}

/** Finds the AppError behind a tRPC error, if one caused it. */
export function findAppError(error: unknown): AppError | undefined {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof AppError) return e;
    if (typeof e !== "object") return undefined;
  }
  return undefined;
}
