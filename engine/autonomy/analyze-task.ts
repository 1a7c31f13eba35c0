import type { LinearModel } from "./linear-model";
import { scanEntities } from "./scan-entities";
import { cuesOf } from "./task-cues";
import { extractListItems } from "./task-parts";
import { stemOf } from "./text-index";
import { CAPABILITY_MODEL, PATTERN_MODEL } from "./task-models";
import * as vocabulary from "./vocabulary";
import type {
  Capability,
  Complexity,
  Intent,
  StructureKind,
  StructureScores,
  TaskEntity,
  TaskFeatures,
} from "./vocabulary";
import * as lists from "./word-lists";

/**
 * The analyzer: a task's text → features. What the task needs (capabilities) and what shape it
 * has (structure) come from the learned models (task-models.ts, trained from the labelled corpus);
 * the rest is read mechanically: entities (scan-entities.ts), the verbs' kinds of action and the
 * count of parts (word-lists.ts). There are no phrase rules to extend: to teach the analyzer, add
 * labelled tasks to engine/autonomy/corpus/ and retrain (ARCHITECTURE.md, "Teaching the planner").
 */

// Copied once: under a CommonJS transform (tsx) every use of an imported binding is a getter call.
const { CAPABILITIES, STRUCTURE_THRESHOLDS, STRUCTURE_PATTERN } = vocabulary;
const { COUNT_BLOCKERS, FUNCTION_WORDS, NUMBER_WORDS, UNITS, intentOfWord, isVerbWord } = lists;

/** The learned models the analyzer reads with (the committed ones by default). */
export type AnalyzerModels = { capabilities?: LinearModel; patterns?: LinearModel };

/**
 * Probability at which the capability model's answer counts as a need, for a model that carries
 * none: a trained model carries its own (`thresholds.needsCapability`), picked by trainTaskModels
 * on its training writers only (train-task-models.ts).
 */
export const NEEDS_CAPABILITY = 0.5;

/** The probability at which a capability model's answer counts as a need. */
export function needsCapabilityOf(model: LinearModel): number {
  const learned = model.thresholds?.needsCapability;
  return typeof learned === "number" && Number.isFinite(learned) ? learned : NEEDS_CAPABILITY;
}

const STRUCTURE_KINDS = Object.keys(STRUCTURE_PATTERN) as StructureKind[];

/**
 * The capability and pattern models as one table, so each cue is looked up once for both (the
 * look-ups were most of the analysis time): cue → row, and per row both models' weights.
 */
type Joint = {
  rowOf: Map<string, number>;
  /** Per row: the capability model's weights, then the pattern model's. */
  weights: Float64Array;
  /** Per row: 1 if the capability model knows the cue, 2 if the pattern model does (both: 3). */
  known: Uint8Array;
  kc: number;
  kp: number;
};
const joints = new WeakMap<LinearModel, WeakMap<LinearModel, Joint>>();

function jointOf(capabilities: LinearModel, patterns: LinearModel): Joint {
  let byPatterns = joints.get(capabilities);
  if (!byPatterns) joints.set(capabilities, (byPatterns = new WeakMap()));
  let joint = byPatterns.get(patterns);
  if (joint) return joint;
  const kc = capabilities.labels.length;
  const kp = patterns.labels.length;
  const rowOf = new Map<string, number>();
  for (const cue of [...Object.keys(capabilities.weights), ...Object.keys(patterns.weights)])
    if (!rowOf.has(cue)) rowOf.set(cue, rowOf.size);
  const weights = new Float64Array(rowOf.size * (kc + kp));
  const known = new Uint8Array(rowOf.size);
  for (const [cue, row] of rowOf) {
    const c = capabilities.weights[cue];
    const p = patterns.weights[cue];
    if (c) {
      known[row] = (known[row] as number) | 1;
      weights.set(c, row * (kc + kp));
    }
    if (p) {
      known[row] = (known[row] as number) | 2;
      weights.set(p, row * (kc + kp) + kc);
    }
  }
  joint = { rowOf, weights, known, kc, kp };
  byPatterns.set(patterns, joint);
  return joint;
}

/** Both models' probabilities for a task's cues: sigmoids per capability, a softmax over patterns. */
function predictBoth(
  capabilities: LinearModel,
  patterns: LinearModel,
  cues: readonly string[],
): { need: Float64Array; shape: Float64Array } {
  const { rowOf, weights, known, kc, kp } = jointOf(capabilities, patterns);
  const width = kc + kp;
  const sum = new Float64Array(width);
  let knownC = 0;
  let knownP = 0;
  for (let f = 0; f < cues.length; f++) {
    const row = rowOf.get(cues[f] as string);
    if (row === undefined) continue;
    const flags = known[row] as number;
    if ((flags & 1) !== 0) knownC++;
    if ((flags & 2) !== 0) knownP++;
    const at = row * width;
    for (let c = 0; c < width; c++) sum[c] = (sum[c] as number) + (weights[at + c] as number);
  }
  // As in linear-model.ts: each model scales its known features by 1/√n.
  const valueC = knownC ? 1 / Math.sqrt(knownC) : 0;
  const valueP = knownP ? 1 / Math.sqrt(knownP) : 0;
  const need = new Float64Array(kc);
  for (let c = 0; c < kc; c++)
    need[c] = 1 / (1 + Math.exp(-((capabilities.bias[c] as number) + (sum[c] as number) * valueC)));
  const shape = new Float64Array(kp);
  let max = -Infinity;
  for (let c = 0; c < kp; c++) {
    shape[c] = (patterns.bias[c] as number) + (sum[kc + c] as number) * valueP;
    if ((shape[c] as number) > max) max = shape[c] as number;
  }
  let total = 0;
  for (let c = 0; c < kp; c++) {
    shape[c] = Math.exp((shape[c] as number) - max);
    total += shape[c] as number;
  }
  for (let c = 0; c < kp; c++) shape[c] = (shape[c] as number) / total;
  return { need, shape };
}

function rateComplexity(
  capabilityCount: number,
  intentCount: number,
  structureCount: number,
  words: number,
): Complexity {
  const score = capabilityCount + intentCount / 2 + structureCount + words / 25;
  return score < 2.5 ? "low" : score < 5 ? "medium" : "high";
}

type Words = {
  intents: Intent[];
  keywords: string[];
  count: number;
  words: number;
  /** Each word's start, for the order capabilities are first asked for in. */
  positions: number[];
  tokens: string[];
};

const isLetter = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** One pass over the words: kinds of action, candidate product names and the count of parts. */
function readWords(lower: string): Words {
  const intents: Intent[] = [];
  const keywords: string[] = [];
  const positions: number[] = [];
  const tokens: string[] = [];
  let count = 0;
  let previous = "";
  let pending = 0; // a number whose next word decides whether it counts parts ("3 days" does not)
  const n = lower.length;
  let i = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (!isLetter(c) && !isDigit(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && (isLetter(lower.charCodeAt(j)) || isDigit(lower.charCodeAt(j)))) j++;
    const word = lower.slice(i, j);
    const before = i > 0 ? lower.charCodeAt(i - 1) : 32;
    const after = j < n ? lower.charCodeAt(j) : 32;
    positions.push(i);
    tokens.push(word);
    if (pending > 0) {
      if (!UNITS.has(word)) count = Math.max(count, pending);
      pending = 0;
    }
    if (isDigit(c)) {
      // A bare number ("3 variants") counts parts; versions, dates and times ("v2.3.0", "10/12") do not.
      const value = Number(word);
      if (
        value >= 2 &&
        value <= 20 &&
        before === 32 &&
        after !== 46 &&
        after !== 58 &&
        after !== 47 &&
        after !== 45 &&
        !COUNT_BLOCKERS.has(previous)
      )
        pending = value;
    } else {
      const number = NUMBER_WORDS.get(word);
      if (number !== undefined && !COUNT_BLOCKERS.has(previous)) pending = number;
      const intent = intentOfWord(word);
      if (intent !== undefined) {
        if (!intents.includes(intent)) intents.push(intent);
      } else if (
        word.length >= 4 &&
        number === undefined &&
        before !== 47 &&
        before !== 46 &&
        after !== 47 &&
        after !== 46 &&
        !FUNCTION_WORDS.has(word) &&
        !UNITS.has(word) &&
        !isVerbWord(word)
      )
        keywords.push(word);
    }
    previous = word;
    i = j;
  }
  if (pending > 0) count = Math.max(count, pending);
  return { intents, keywords, count, words: tokens.length, positions, tokens };
}

/**
 * Where the task first asks for each capability: the word the model weighs most towards it (a
 * data flow reads its source first, so capabilities come in that order).
 */
function firstAskedAt(
  joint: Joint,
  labels: readonly number[],
  read: Words,
  entities: readonly TaskEntity[],
  lower: string,
): number[] {
  const width = joint.kc + joint.kp;
  const best = labels.map(() => lower.length);
  const bestWeight = labels.map(() => 0);
  const consider = (cue: string, at: number) => {
    const row = joint.rowOf.get(cue);
    if (row === undefined) return;
    labels.forEach((label, i) => {
      const weight = joint.weights[row * width + label] as number;
      if (weight > (bestWeight[i] as number)) [best[i], bestWeight[i]] = [at, weight];
    });
  };
  for (let k = 0; k < read.tokens.length; k++)
    consider(`w:${stemOf(read.tokens[k] as string)}`, read.positions[k] as number);
  for (const entity of entities)
    consider(`e:${entity.kind}`, Math.max(0, lower.indexOf(entity.value)));
  return best;
}

/**
 * Reads a task's text into features: entities, the capabilities it needs and its shape (from the
 * learned models), the kinds of action its verbs name, and the count of its parts. Pure and fast
 * (tens of µs): one lower-case copy, one pass over the words, two small linear models.
 * @example analyzeTask("Read data/events.csv and load it into a new SQLite table").capabilities // → ["files", "sqlite"]
 */
export function analyzeTask(text: string, models: AnalyzerModels = {}): TaskFeatures {
  const lower = text.toLowerCase();
  const { entities } = scanEntities(lower);
  const read = readWords(lower);
  const cues = cuesOf(text, entities);

  const capabilityModel = models.capabilities ?? CAPABILITY_MODEL;
  const patternModel = models.patterns ?? PATTERN_MODEL;
  const { need, shape } = predictBoth(capabilityModel, patternModel, cues);
  const capabilities: Capability[] = [];
  const capabilityScores: Partial<Record<Capability, number>> = {};
  const labels: number[] = [];
  const needs = needsCapabilityOf(capabilityModel);
  for (let k = 0; k < capabilityModel.labels.length; k++) {
    const p = need[k] as number;
    const capability = capabilityModel.labels[k] as Capability;
    if (p < needs || !CAPABILITIES.includes(capability)) continue;
    capabilities.push(capability);
    labels.push(k);
    capabilityScores[capability] = Number(p.toFixed(3));
  }
  const at = new Map<Capability, number>();
  if (capabilities.length > 1) {
    const positions = firstAskedAt(
      jointOf(capabilityModel, patternModel),
      labels,
      read,
      entities,
      lower,
    );
    capabilities.forEach((capability, i) => at.set(capability, positions[i] as number));
  }
  if (capabilities.length > 1)
    capabilities.sort((a, b) => (at.get(a) as number) - (at.get(b) as number));

  const structureScores = {} as StructureScores;
  const structure = {} as TaskFeatures["structure"];
  let structureCount = 0;
  for (const kind of STRUCTURE_KINDS) {
    const label = patternModel.labels.indexOf(STRUCTURE_PATTERN[kind]);
    const p = label < 0 ? 0 : (shape[label] as number);
    structureScores[kind] = Number(p.toFixed(3));
    structure[kind] = p >= STRUCTURE_THRESHOLDS[kind];
    if (structure[kind]) structureCount++;
  }
  // A list of three or more ("Paris, Tokyo and New York") counts its items; only texts with a comma can hold one.
  const listed = lower.indexOf(",") >= 0 ? extractListItems(text).length : 0;
  return {
    text,
    intents: read.intents,
    entities,
    capabilities,
    capabilityScores,
    structure,
    structureScores,
    itemCount: Math.max(read.count, listed),
    complexity: rateComplexity(
      capabilities.length,
      read.intents.length,
      structureCount,
      read.words,
    ),
    keywords: read.keywords,
    cues,
  };
}
