import type { z } from "zod";
import { AppError } from "../errors";

/**
 * Turns a zod failure into the domain's INVALID_INPUT error, with issues keyed by path.
 * @example throw toInvalidInput("plan", parsed.error) // "The plan is invalid at steps.0.id: …"
 */
export function toInvalidInput(what: string, error: z.ZodError): AppError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.join("."),
    message: issue.message,
  }));
  const first = issues[0];
  const where = first?.path ? ` at ${first.path}` : "";
  return new AppError(
    "INVALID_INPUT",
    `The ${what} is invalid${where}: ${first?.message ?? "unknown problem"}`,
    {
      issues,
    },
  );
}
