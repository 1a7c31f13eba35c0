/** Postgres reports a unique violation as SQLSTATE 23505; drizzle wraps the driver error in `.cause`. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { code, constraint: name } = e as { code?: string; constraint?: string };
    if (code === "23505") return constraint === undefined || name === constraint;
  }
  return false;
}
