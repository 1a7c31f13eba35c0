import { sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";

/**
 * Keyset pagination over (createdAt desc, id desc): stable while rows are inserted, and as fast
 * on page 100 as on page 1. The cursor is opaque to clients.
 */
export const pageInput = z.object({
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type PageInput = z.input<typeof pageInput>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");
}

/** Returns null for a cursor that is absent or was not made by encodeCursor (treated as page 1). */
export function decodeCursor(cursor: string | null | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [string, string];
    const date = new Date(at);
    return typeof id === "string" && !Number.isNaN(date.getTime()) ? { at: date, id } : null;
  } catch {
    return null;
  }
}

/** Turns `limit + 1` fetched rows into a page and the cursor of the next one. */
export function toPage<T extends { createdAt: Date; id: string }>(
  rows: T[],
  limit: number,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/**
 * The rows after the cursor's row in (createdAt, id) order, descending by default. The cursor's
 * timestamp has milliseconds while the database keeps microseconds, so the comparison reads the
 * cursor row's own values (falling back to the cursor's when that row is gone): rows written in
 * the same millisecond are neither skipped nor repeated. `scope` narrows the lookup of the
 * cursor's row when `id` alone does not identify it (memberships: one row per tenant).
 */
export function afterCursor(
  columns: { createdAt: PgColumn; id: PgColumn },
  cursor: Cursor,
  options: { order?: "asc" | "desc"; scope?: SQL } = {},
): SQL {
  const { createdAt, id } = columns;
  const cursorAt = sql`coalesce((select ${createdAt} from ${createdAt.table} where ${id} = ${cursor.id}${options.scope ? sql` and ${options.scope}` : sql``} limit 1), ${cursor.at.toISOString()}::timestamptz)`;
  return options.order === "asc"
    ? sql`(${createdAt}, ${id}) > (${cursorAt}, ${cursor.id})`
    : sql`(${createdAt}, ${id}) < (${cursorAt}, ${cursor.id})`;
}
