/**
 * A server error split by form field: zod's field errors, or a domain error that names its field
 * (`appDetails.field`); anything else is for the whole form.
 */
export function fieldErrorsOf<F extends string>(
  error: unknown,
  fields: readonly F[],
): Partial<Record<F | "form", string>> {
  if (!error) return {};
  const data = (
    error as {
      data?: {
        zodError?: { fieldErrors?: Record<string, string[]> } | null;
        appDetails?: { field?: unknown } | null;
      };
    }
  ).data;
  const result: Partial<Record<F | "form", string>> = {};
  for (const field of fields) {
    const message = data?.zodError?.fieldErrors?.[field]?.[0];
    if (message) result[field] = message;
  }
  const named = data?.appDetails?.field;
  if (typeof named === "string" && (fields as readonly string[]).includes(named))
    result[named as F] = (error as Error).message;
  if (Object.keys(result).length === 0) result.form = (error as Error).message;
  return result;
}
