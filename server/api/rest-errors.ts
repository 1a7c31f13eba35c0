import { getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z, ZodError } from "zod";
import { findAppError, toTRPCError } from "./errors";
import { newRequestId } from "./trpc";

/**
 * Errors of the plain HTTP endpoints (the REST API, webhooks) as JSON: `{ error: { code, message,
 * fieldErrors?, details? } }` with the status the tRPC endpoint would give. A server failure says
 * only that it failed (the cause goes to the log, never SQL or a stack to the caller).
 */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { error: { code, message, ...extra } },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

/**
 * A followed run the database refused to store even its start of (RunJournal.neverStored): it
 * does not exist, so 503 (a retry may succeed) rather than a 200 or a 202 naming no run.
 */
export const runNotStored = (message: string) =>
  errorResponse(503, "RUN_NOT_STORED", message, {}, { "retry-after": "1" });

/**
 * The run service's input problems (`input.topic: is required`) by field, as forms and REST
 * clients read them: `{ topic: ["is required"] }`; a problem with the whole input is under `input`.
 */
export function fieldErrorsOfProblems(problems: readonly string[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const problem of problems) {
    const match = /^input(?:\.|(?=\[))?([^:]*): (.*)$/.exec(problem);
    const field = match?.[1] || "input";
    (errors[field] ??= []).push(match?.[2] ?? problem);
  }
  return errors;
}

/**
 * Any thrown error as a response: AppErrors and tRPC errors by their code (field errors from zod
 * or from the run input's problems, details, Retry-After on 429), anything else as a bare 500
 * whose cause is logged under `label`.
 */
export function toErrorResponse(thrown: unknown, label = "REST API call"): Response {
  const appError = findAppError(thrown);
  const error =
    thrown instanceof TRPCError || !appError
      ? getTRPCErrorFromUnknown(thrown)
      : toTRPCError(appError);
  const status = getHTTPStatusCodeFromError(error);
  if (status >= 500) {
    // The id ties the answer to the log line; the cause (a database error's SQL) stays in the log.
    const requestId = newRequestId();
    console.error(`[request ${requestId}] ${label} failed:`, error.cause ?? error);
    return errorResponse(status, error.code, `Something went wrong (request id ${requestId}).`, {
      requestId,
    });
  }
  const extra: Record<string, unknown> = {};
  if (error.cause instanceof ZodError) extra.fieldErrors = z.flattenError(error.cause).fieldErrors;
  const problems = appError?.details?.problems;
  if (Array.isArray(problems) && problems.every((p) => typeof p === "string"))
    extra.fieldErrors = fieldErrorsOfProblems(problems);
  if (appError?.details) extra.details = appError.details;
  const response = errorResponse(status, error.code, error.message, extra);
  // A rate limit or quota says when to come back (details.retryAfterSeconds), as the tRPC endpoint does.
  const wait = appError?.details?.retryAfterSeconds;
  if (typeof wait === "number") response.headers.set("Retry-After", String(wait));
  return response;
}
