/** What an experiment's stop rule says now, in words for its list row and its page. */

export interface VerdictInput {
  status: "running" | "stopped" | "completed";
  arms: { id: string }[];
  stopRule: { minPerArm: number };
  result: {
    winner: string | null;
    probabilitySecondBetter: number;
    samples: [number, number];
    reason: string;
  };
}

export interface Verdict {
  /** A few words: "v2 wins", "Collecting outcomes". */
  headline: string;
  /** The stop rule's reason as a sentence. */
  detail: string;
  tone: "winner" | "neutral" | "waiting";
}

/** The stop rule's reasons are clauses ("waiting for …"): a capital (unless it opens with an arm id such as "v2") and a full stop. */
function sentence(text: string): string {
  const opening = /^[a-z]+\b(?![\d-])/.test(text)
    ? `${text[0]!.toUpperCase()}${text.slice(1)}`
    : text;
  return opening.endsWith(".") ? opening : `${opening}.`;
}

/**
 * @example describeVerdict(experiment).headline // → "v2 wins"
 */
export function describeVerdict(experiment: VerdictInput): Verdict {
  const { result, status } = experiment;
  const second = experiment.arms[1]?.id ?? "B";
  const fewest = Math.min(...result.samples);
  if (result.winner)
    return { headline: `${result.winner} wins`, detail: sentence(result.reason), tone: "winner" };
  if (status === "completed")
    return { headline: "No clear winner", detail: sentence(result.reason), tone: "neutral" };
  const now =
    fewest < experiment.stopRule.minPerArm
      ? `waiting for ${experiment.stopRule.minPerArm} outcomes per arm (have ${fewest})`
      : `undecided: P(${second} is better) = ${result.probabilitySecondBetter.toFixed(3)}`;
  if (status === "stopped")
    return {
      headline: "Stopped before a verdict",
      detail: sentence(`stopped by hand; at that point ${now}`),
      tone: "neutral",
    };
  return {
    headline: fewest < experiment.stopRule.minPerArm ? "Collecting outcomes" : "Undecided so far",
    detail: sentence(now),
    tone: "waiting",
  };
}
