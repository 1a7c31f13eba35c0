import { SYNONYMS } from "./discovery-terms";
import { stemOf, termsOf } from "./text-index";
import type { TaskEntity } from "./vocabulary";

/**
 * The features the learned models read from a task: its words and word pairs (stemmed, stop words
 * kept, since "each", "then" and "until" carry the shape) with their synonyms' words (so "pg" reads
 * as "postgresql" too), the kinds of entities it names (each read as its kind, not its words), and
 * a few counts of its shape (commas, sentences, length). No
 * rule here decides anything: the weights come from the labelled corpus (see linear-model.ts and
 * ARCHITECTURE.md).
 */

const bucket = (n: number, edges: readonly number[]) => {
  let i = 0;
  while (i < edges.length && n >= (edges[i] as number)) i++;
  return i;
};
const COMMAS = [1, 2, 3, 5];
const SENTENCES = [1, 2, 3];
const WORDS = [6, 10, 16, 25, 40];
const ENTITIES = [1, 2, 3];

/** A stemmed word → the stemmed words its synonyms add (discovery-terms.ts), as word cues. */
const EXPANSIONS = new Map<string, string[]>();
for (const [word, synonyms] of Object.entries(SYNONYMS)) {
  const key = stemOf(word);
  const added = termsOf(synonyms)
    .map((t) => `w:${t.term}`)
    .filter((cue) => cue !== `w:${key}`);
  EXPANSIONS.set(key, [...(EXPANSIONS.get(key) ?? []), ...added]);
}

const isLetter = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Per entity kind, the [start, end) of each of its values in the text, sorted by start. */
function entitySpans(lower: string, entities: readonly TaskEntity[]): number[] {
  const spans: number[] = [];
  for (let e = 0; e < entities.length; e++) {
    const { value } = entities[e] as TaskEntity;
    for (let at = lower.indexOf(value); at >= 0; at = lower.indexOf(value, at + value.length))
      spans.push(at, at + value.length, e);
  }
  // A handful at most: an insertion sort by start.
  for (let a = 3; a < spans.length; a += 3)
    for (let b = a; b > 0 && (spans[b - 3] as number) > (spans[b] as number); b -= 3)
      for (let k = 0; k < 3; k++)
        [spans[b - 3 + k], spans[b + k]] = [spans[b + k] as number, spans[b - 3 + k] as number];
  return spans;
}

/**
 * Sparse features of a task's text, in one pass over its characters.
 * @example cuesOf("Fetch https://example.com, then save it", [{ kind: "url", value: "https://example.com" }]) // → ["w:fetch", "b:^_fetch", "w:url", …, "e:url", …]
 */
export function cuesOf(text: string, entities: readonly TaskEntity[]): string[] {
  const lower = text.toLowerCase();
  const spans = entities.length ? entitySpans(lower, entities) : [];
  const cues = new Set<string>();
  let previous = "^";
  let words = 0;
  let commas = 0;
  let sentences = 0;
  let bullets = false;
  let span = 0;
  const n = lower.length;
  const addWord = (word: string) => {
    cues.add(`w:${word}`);
    const expanded = EXPANSIONS.get(word);
    if (expanded) for (const cue of expanded) cues.add(cue);
    cues.add(`b:${previous}_${word}`);
    previous = word;
    words++;
  };
  let i = 0;
  while (i < n) {
    // Entities are read as their kind, not their words ("example", "com").
    while (span < spans.length && (spans[span + 1] as number) <= i) span += 3;
    if (span < spans.length && (spans[span] as number) <= i) {
      addWord((entities[spans[span + 2] as number] as TaskEntity).kind);
      i = spans[span + 1] as number;
      span += 3;
      continue;
    }
    const c = lower.charCodeAt(i);
    if (isLetter(c)) {
      let j = i + 1;
      while (j < n && (isLetter(lower.charCodeAt(j)) || isDigit(lower.charCodeAt(j)))) j++;
      addWord(stemOf(lower.slice(i, j)));
      i = j;
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < n && isDigit(lower.charCodeAt(j))) j++;
      // A small number counts parts ("3 variants").
      addWord(j - i <= 2 && Number(lower.slice(i, j)) <= 20 ? "#small" : "#num");
      i = j;
    } else {
      if (c === 44) commas++;
      else if (c === 46 || c === 33 || c === 63 || c === 59 || c === 58) {
        const next = i + 1 < n ? lower.charCodeAt(i + 1) : 32;
        if (next === 32 || next === 10 || next === 9 || next === 13) sentences++;
      } else if (c === 10) {
        let j = i + 1;
        while (j < n && (lower.charCodeAt(j) === 32 || lower.charCodeAt(j) === 9)) j++;
        const d = j < n ? lower.charCodeAt(j) : 0;
        if (d === 45 || d === 42 || d === 8226) bullets = true;
        else if (isDigit(d)) {
          let k = j + 1;
          while (k < n && isDigit(lower.charCodeAt(k))) k++;
          const e = k < n ? lower.charCodeAt(k) : 0;
          if (e === 46 || e === 41) bullets = true;
        }
      }
      i++;
    }
  }
  for (const entity of entities) cues.add(`e:${entity.kind}`);
  cues.add(`s:commas${bucket(commas, COMMAS)}`);
  cues.add(`s:sentences${bucket(sentences, SENTENCES)}`);
  cues.add(`s:words${bucket(words, WORDS)}`);
  cues.add(`s:entities${bucket(entities.length, ENTITIES)}`);
  let end = n - 1;
  while (end >= 0 && lower.charCodeAt(end) <= 32) end--;
  if (end >= 0 && lower.charCodeAt(end) === 63) cues.add("s:question");
  if (bullets) cues.add("s:bullets");
  return [...cues];
}
