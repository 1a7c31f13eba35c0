/**
 * A small BM25F text index: documents made of weighted fields, queried by weighted terms. Written
 * here because the engine imports only zod, and the whole of it is a tokenizer, an inverted index
 * and one scoring loop (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
 * Beyond", 2009). Query cost is the length of the posting lists of the query's terms, so a
 * 10,000-document catalog answers in well under a millisecond.
 */

const STOPWORDS = new Set(
  (
    "a an the and or but if then than of to in on at by for from with without into onto about as is " +
    "are was were be been being it its this that these those there here i me my we our us you your " +
    "he she they them their his her what which who whom whose when where why how all any each every " +
    "some no not only own same so too very can will just do does did done should would could may " +
    "might must shall also please let make get got use using via per one two new out up down off over " +
    "under again once more most other such both few mcp server servers api tool tools need needs"
  ).split(" "),
);

/**
 * A light suffix stripper: enough to meet "pages"/"page", "fetching"/"fetch", "queries"/"query".
 * Applied to documents and queries alike, so its stems only have to agree with themselves.
 */
export function stemOf(word: string): string {
  const n = word.length;
  if (n > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (
    n > 4 &&
    word.endsWith("es") &&
    (word.endsWith("sses") ||
      word.endsWith("shes") ||
      word.endsWith("ches") ||
      word.endsWith("xes") ||
      word.endsWith("zes"))
  )
    return word.slice(0, -2);
  if (n > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us"))
    return word.slice(0, -1);
  if (n > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (n > 4 && word.endsWith("ed") && !word.endsWith("eed")) return word.slice(0, -2);
  return word;
}

/**
 * Words of a text as index terms: camelCase and snake_case split, lower-cased, stop words dropped,
 * stemmed. Each term comes with the character offset it starts at.
 * @example termsOf("brave_web_search fetches Pages").map((t) => t.term) // → ["brave", "web", "search", "fetch", "page"]
 */
export function termsOf(text: string): { term: string; at: number }[] {
  const out: { term: string; at: number }[] = [];
  const re = /[A-Za-z0-9]+/g;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    const raw = match[0];
    // "readQuery" → "read", "Query"; "HTMLPage" stays one word, which is rare enough in names.
    const parts = raw.split(/(?<=[a-z0-9])(?=[A-Z])/);
    let offset = match.index;
    for (const part of parts) {
      const word = part.toLowerCase();
      if (word.length >= 2 && !STOPWORDS.has(word)) out.push({ term: stemOf(word), at: offset });
      offset += part.length;
    }
  }
  return out;
}

/** A document as fields of text, each weighted (a name says more than a description). */
export type IndexedDocument = readonly { text: string; weight: number }[];

export type TextIndex = {
  size: number;
  /** term → [document, weighted term frequency] pairs, flattened. */
  postings: ReadonlyMap<string, Float64Array>;
  /** Per document: weighted length over the average. */
  lengthRatio: Float64Array;
};

const K1 = 1.2;
const B = 0.75;
/**
 * Rarity is judged as if the catalog had at least this many documents: in a catalog of three
 * entries every word would look common and nothing would score.
 */
const MIN_DOCUMENTS = 50;

/**
 * Indexes documents for BM25F scoring.
 * @example const index = buildTextIndex([[{ text: "Fetch web pages", weight: 1 }]])
 */
export function buildTextIndex(documents: readonly IndexedDocument[]): TextIndex {
  const lists = new Map<string, number[]>();
  const lengths = new Float64Array(documents.length);
  documents.forEach((fields, doc) => {
    const frequency = new Map<string, number>();
    for (const { text, weight } of fields)
      for (const { term } of termsOf(text)) {
        frequency.set(term, (frequency.get(term) ?? 0) + weight);
        lengths[doc] = (lengths[doc] as number) + weight;
      }
    for (const [term, tf] of frequency) {
      const list = lists.get(term);
      if (list) list.push(doc, tf);
      else lists.set(term, [doc, tf]);
    }
  });
  const total = lengths.reduce((sum, length) => sum + length, 0);
  const average = documents.length ? total / documents.length || 1 : 1;
  const lengthRatio = lengths.map((length) => length / average);
  const postings = new Map<string, Float64Array>();
  for (const [term, list] of lists) postings.set(term, Float64Array.from(list));
  return { size: documents.length, postings, lengthRatio };
}

/** How rare a term is: BM25's inverse document frequency, never negative. */
export function idfOf(index: TextIndex, term: string): number {
  const list = index.postings.get(term);
  const df = list ? list.length / 2 : 0;
  return Math.log(1 + (Math.max(index.size, MIN_DOCUMENTS) - df + 0.5) / (df + 0.5));
}

/** One term's BM25F contribution to one document's score (0 when the document lacks it). */
export function contributionOf(
  index: TextIndex,
  term: string,
  weight: number,
  doc: number,
): number {
  const list = index.postings.get(term);
  if (!list) return 0;
  for (let k = 0; k < list.length; k += 2)
    if (list[k] === doc) {
      const tf = list[k + 1] as number;
      const norm = K1 * (1 - B + B * (index.lengthRatio[doc] as number));
      return (weight * idfOf(index, term) * tf * (K1 + 1)) / (tf + norm);
    }
  return 0;
}

/**
 * Adds each query term's BM25F contribution to `scores` (one slot per document, zero at the
 * start) and calls `onFirstMatch(doc)` when a term first reaches a document.
 */
export function scoreTerms(
  index: TextIndex,
  query: ReadonlyMap<string, number>,
  scores: Float64Array,
  onFirstMatch?: (doc: number) => void,
): void {
  for (const [term, weight] of query) {
    const list = index.postings.get(term);
    if (!list) continue;
    const idf = idfOf(index, term);
    for (let k = 0; k < list.length; k += 2) {
      const doc = list[k] as number;
      const tf = list[k + 1] as number;
      const norm = K1 * (1 - B + B * (index.lengthRatio[doc] as number));
      const contribution = (weight * idf * tf * (K1 + 1)) / (tf + norm);
      if (scores[doc] === 0) onFirstMatch?.(doc);
      scores[doc] = (scores[doc] as number) + contribution;
    }
  }
}
