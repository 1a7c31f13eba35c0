import { z } from "zod";

/**
 * A dataset item: what one evaluation run starts with (`input`, the workflow's run input), what a
 * good answer looks like (`reference`, optional: exact-match and similarity evaluators need it, a
 * latency bound does not) and tags for slicing results. Ids are given by the server when an item is
 * stored in a dataset version; an import may carry its own (`id` column or field).
 */
export const DATASET_LIMITS = {
  /** The largest CSV or JSONL file an import reads, in UTF-8 bytes. */
  maxFileBytes: 10 * 1024 * 1024,
  /** Items per dataset version. */
  maxItems: 10_000,
  /** One item's input plus reference, as JSON, in characters. */
  maxItemChars: 256 * 1024,
  maxTags: 20,
  maxTagChars: 64,
  maxIdChars: 128,
} as const;

export type DatasetLimits = { [K in keyof typeof DATASET_LIMITS]: number };

export const DatasetTagSchema = z
  .string()
  .trim()
  .min(1, "a tag cannot be empty")
  .max(DATASET_LIMITS.maxTagChars, `a tag has at most ${DATASET_LIMITS.maxTagChars} characters`);

export const DatasetItemSchema = z
  .object({
    id: z.string().trim().min(1).max(DATASET_LIMITS.maxIdChars).optional(),
    input: z.record(z.string(), z.unknown()),
    /** Any JSON value; absent when the item has no reference answer. */
    reference: z.unknown().optional(),
    tags: z
      .array(DatasetTagSchema)
      .max(DATASET_LIMITS.maxTags, `an item has at most ${DATASET_LIMITS.maxTags} tags`)
      .default([]),
  })
  .superRefine((item, ctx) => {
    const size = JSON.stringify({ input: item.input, reference: item.reference }).length;
    if (size > DATASET_LIMITS.maxItemChars) {
      ctx.addIssue({
        code: "custom",
        message: `the item is ${size} characters as JSON; the limit is ${DATASET_LIMITS.maxItemChars}`,
      });
    }
  });

export type DatasetItem = z.output<typeof DatasetItemSchema>;
export type DatasetItemInput = z.input<typeof DatasetItemSchema>;

/** A stored item: the server's id is always there. */
export type StoredDatasetItem = DatasetItem & { id: string };

/**
 * UTF-8 length without allocating a buffer (the file may be megabytes). Lone surrogates count as
 * the three bytes of U+FFFD, as TextEncoder would write them.
 * @example utf8ByteLength("é") // → 2
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (
      code >= 0xd800 &&
      code <= 0xdbff &&
      i + 1 < text.length &&
      (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
