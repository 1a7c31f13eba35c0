import * as lexicon from "./task-lexicon";
import type { Signal } from "./task-lexicon";
import type { PhraseFlags } from "./read-phrases";
import type { StructureScores } from "./vocabulary";

/**
 * Turns the word pass's signal counters into one score per structural signal. Each formula caps
 * what a single kind of evidence can add, so one repeated word cannot decide a pattern alone.
 */

const { SIGNAL_INDEX } = lexicon;
const sig = (name: Signal) => SIGNAL_INDEX.get(name) as number;
const COUNT = sig("count");
const DISTRIBUTIVE = sig("distributive");
const VARIANT = sig("variant");
const DIFFERENT = sig("different");
const MERGE = sig("merge");
const UNTIL = sig("until");
const ITERATE = sig("iterate");
const QUALITY = sig("quality");
const EVALUATOR = sig("evaluator");
const CLASSIFY = sig("classify");
const ROUTE = sig("route");
const HANDLER = sig("handler");
const ITEM = sig("item");
const WHETHER = sig("whether");
const HAND = sig("hand");
const TRANSFER = sig("transfer");
const SPECIALIST = sig("specialist");
const PERSON = sig("person");
const CONVO = sig("convo");
const THEN = sig("then");
const FLOW = sig("flow");
const PLAN_STRONG = sig("plan-strong");
const PLAN_WEAK = sig("plan-weak");
const INCOMING = sig("incoming");
const CONCURRENT = sig("concurrent");
const RETRY = sig("retry");

/** What the word pass learned about lists, verbs and steps. */
export type ShapeOfText = {
  andList: number;
  orList: number;
  verbSegments: number;
  sequenceVerbs: number;
};

const min = Math.min;

/**
 * Scores each structural signal from the counters, the phrases and the number of capabilities.
 * @example scoreStructure(signals, shape, phrases, 2, 3).sequence // → 3 or more: two capabilities are two steps
 */
export function scoreStructure(
  signals: Int32Array,
  shape: ShapeOfText,
  phrases: PhraseFlags,
  capabilityCount: number,
  intentCount: number,
  /** A subject researched and then written up. */
  researchReport = false,
): StructureScores {
  const count = signals[COUNT] as number;
  const distributive = signals[DISTRIBUTIVE] as number;
  const variant = signals[VARIANT] as number;
  const different = signals[DIFFERENT] as number;
  const until = signals[UNTIL] as number;
  const iterate = signals[ITERATE] as number;
  const quality = signals[QUALITY] as number;
  const evaluator = signals[EVALUATOR] as number;
  const hand = signals[HAND] as number;
  const transfer = signals[TRANSFER] as number;
  const specialist = signals[SPECIALIST] as number;
  const planStrong = (signals[PLAN_STRONG] as number) + (phrases.investigate ? 1 : 0);
  const andList = shape.andList >= 3;
  const concurrent = phrases.concurrent || (signals[CONCURRENT] as number) > 0;
  const listed = andList || count > 0;

  const splits =
    (concurrent ? 3 : 0) +
    (count > 0 && distributive + variant + different > 0 ? 3 : 0) +
    (andList ? 3 : 0) +
    (variant > 0 && listed ? 1 : 0) +
    (different > 0 && listed ? 1 : 0) +
    ((signals[MERGE] as number) > 0 && (listed || concurrent) ? 1 : 0);
  // Fixing or retrying is a loop only towards a bar ("retry until it is valid").
  const retry = until > 0 ? (signals[RETRY] as number) : 0;
  const iterates =
    iterate + retry > 0 || (until > 0 && quality + evaluator > 0)
      ? min(1, until) + min(4, 2 * (iterate + retry)) + min(2, quality) + min(2, evaluator)
      : 0;
  const routes =
    min(4, min(2, 2 * (signals[CLASSIFY] as number)) + (phrases.decide ? 2 : 0)) +
    (phrases.routeTo ? 2 : 0) +
    min(2, 2 * (signals[ROUTE] as number)) +
    min(2, signals[HANDLER] as number) +
    ((signals[ITEM] as number) > 0 && distributive + (signals[INCOMING] as number) > 0 ? 1 : 0) +
    min(2, signals[WHETHER] as number) +
    (shape.orList >= 3 ? 1 : 0) +
    min(1, hand);
  const handsOff =
    hand + transfer > 0 || phrases.handOff
      ? specialist > 0
        ? min(4, 2 * transfer + (phrases.handOff ? 2 : 0)) +
          min(1, hand) +
          min(3, specialist) +
          min(1, signals[PERSON] as number) +
          min(1, signals[CONVO] as number)
        : 0
      : 0;
  const sequence = min(
    5,
    min(4, 2 * (signals[THEN] as number)) +
      min(
        3,
        Math.max(0, (signals[FLOW] as number) - (phrases.stepByStep ? 2 : 0)) +
          (phrases.through ? 2 : 0),
      ) +
      shape.sequenceVerbs +
      min(2, shape.verbSegments) +
      (shape.verbSegments >= 2 ? 1 : 0) + // three actions listed are steps
      (capabilityCount >= 2 ? 3 : 0),
  );
  // An investigation followed by further activities ("…, figure out … and propose …") is open-ended work.
  const plans =
    (phrases.planPhrase ? 4 : 0) +
    (researchReport ? 3 : 0) +
    (phrases.investigate && capabilityCount >= 2 ? 2 : 0) + // an investigation across several sources
    min(4, 2 * planStrong) +
    min(3, signals[PLAN_WEAK] as number) +
    (planStrong > 0 ? min(2, shape.verbSegments) : 0) +
    (capabilityCount >= 2 && intentCount >= 4 ? 1 : 0);
  return { splits, iterates, routes, handsOff, sequence, plans };
}
