import { notFound } from "next/navigation";
import { z } from "zod";

const uuid = z.uuid();

/** A page's `[id]` that cannot name a row (every id is a UUID) shows the not-found page, not a validation error. */
export function uuidOrNotFound(id: string): string {
  if (!uuid.safeParse(id).success) notFound();
  return id;
}
