import { describe, expect, it } from "vitest";
import type { AlertEvaluation, SeriesAlert } from "@/engine/anomaly/alert-lifecycle";
import { CALM_POINTS_TO_RESOLVE, listSpells, MAX_SPELLS_PER_PASS } from "./anomaly-watch";

/** Points 0, 1, 2, … of one series; the ones in `flagged` anomalous (score 6, or 9 at `peak`). */
function evaluations(count: number, flagged: number[], peak = -1): AlertEvaluation[] {
  return Array.from({ length: count }, (_, at) => ({
    seriesId: "s",
    at,
    value: flagged.includes(at) ? 10 : 1,
    band: [0, 2] as [number, number],
    anomaly: flagged.includes(at)
      ? { score: at === peak ? 9 : 6, reason: `spike at ${at}`, detector: "robust-z" as const }
      : null,
  }));
}
const policy = { resolveAfterPoints: CALM_POINTS_TO_RESOLVE };
const span = (s: SeriesAlert) => [s.openedAt, s.resolvedAt, s.status, s.occurrences];

describe("listSpells", () => {
  it("keeps each spell of a pass, in order, the last one still open", () => {
    // Spikes at 1, 2 (one spell), 7 (another), 12 (a third, still open at the pass's end).
    const spells = listSpells(null, evaluations(14, [1, 2, 7, 12]), policy);
    expect(spells.map(span)).toEqual([
      [1, 5, "resolved", 2],
      [7, 10, "resolved", 1],
      [12, null, "open", 1],
    ]);
  });

  it("continues an open alert first, and keeps it unchanged when nothing new is judged", () => {
    const [open] = listSpells(null, evaluations(2, [1]), policy);
    expect(listSpells(open!, evaluations(2, [1]), policy)).toEqual([open]);
    const later = listSpells(open!, evaluations(10, [1, 8]), policy);
    expect(later.map(span)).toEqual([
      [1, 4, "resolved", 1],
      [8, null, "open", 1],
    ]);
  });

  it(`tells at most ${MAX_SPELLS_PER_PASS} spells per pass, the earliest merged into one`, () => {
    // A spike every fourth point: just enough calm between them for each to resolve.
    const count = MAX_SPELLS_PER_PASS + 3;
    const spikes = Array.from({ length: count }, (_, k) => 1 + k * (CALM_POINTS_TO_RESOLVE + 1));
    const spells = listSpells(null, evaluations(spikes.at(-1)! + 1, spikes, spikes[1]), policy);
    expect(spells).toHaveLength(MAX_SPELLS_PER_PASS);
    const [merged, ...rest] = spells;
    expect(span(merged!)).toEqual([spikes[0], spikes[3]! + CALM_POINTS_TO_RESOLVE, "resolved", 4]);
    expect(merged).toMatchObject({ peakScore: 9, severity: "critical" });
    expect(merged!.evidence.at).toBe(spikes[3]);
    expect(rest.map((s) => s.openedAt)).toEqual(spikes.slice(4));
    expect(rest.at(-1)!.status).toBe("open");
  });
});
