import { stemOf } from "./text-index";
import type { Capability, TaskEntity } from "./vocabulary";

/**
 * The features the learned models read from a task: its words and word pairs (stemmed, stop words
 * kept, since "each", "then" and "until" carry the shape), the kinds of entities it names, and a
 * few counts of its shape (commas, sentences, length), and the capabilities the lexicon's
 * synonyms point at. No rule here decides anything: the
 * weights come from the labelled corpus (see linear-model.ts and ARCHITECTURE.md).
 */

const bucket = (n: number, edges: readonly number[]) => {
  let i = 0;
  while (i < edges.length && n >= (edges[i] as number)) i++;
  return i;
};

/**
 * Sparse features of a task's text.
 * @example cuesOf("Fetch https://example.com, then save it", [{ kind: "url", value: "https://example.com" }]) // → ["w:fetch", …, "b:then_save", "e:url", …]
 */
export function cuesOf(
  text: string,
  entities: readonly TaskEntity[],
  capabilities: readonly Capability[] = [],
): string[] {
  const lower = text.toLowerCase();
  // Entities are read as their kind, not their words ("example", "com").
  let plain = lower;
  for (const entity of entities) plain = plain.split(entity.value).join(` ${entity.kind} `);
  const words = plain.match(/[a-z][a-z0-9]*|\d+/g) ?? [];
  const cues = new Set<string>();
  let previous = "^";
  for (const raw of words) {
    // Tokens starting with a digit are all digits: a small number counts parts ("3 variants").
    const word = raw.charCodeAt(0) <= 57 ? (Number(raw) <= 20 ? "#small" : "#num") : stemOf(raw);
    cues.add(`w:${word}`);
    cues.add(`b:${previous}_${word}`);
    previous = word;
  }
  for (const entity of entities) cues.add(`e:${entity.kind}`);
  for (const capability of capabilities) cues.add(`c:${capability}`);
  const commas = (lower.match(/,/g) ?? []).length;
  const sentences = (lower.match(/[.!?;:](\s|$)/g) ?? []).length;
  cues.add(`s:commas${bucket(commas, [1, 2, 3, 5])}`);
  cues.add(`s:sentences${bucket(sentences, [1, 2, 3])}`);
  cues.add(`s:words${bucket(words.length, [6, 10, 16, 25, 40])}`);
  cues.add(`s:entities${bucket(entities.length, [1, 2, 3])}`);
  if (lower.trimEnd().endsWith("?")) cues.add("s:question");
  if (/\n\s*(?:[-*•]|\d+[.)])/.test(lower)) cues.add("s:bullets");
  return [...cues];
}
