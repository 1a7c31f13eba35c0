import { describe, expect, it } from "vitest";
import { BUILTIN_ENTRIES, padCatalog } from "./__fixtures__/catalog";
import { BLIND_TASKS } from "./__fixtures__/blind-tasks";
import { EXTRA_TASKS, HELD_OUT_TASKS, type LabelledTask } from "./__fixtures__/extra-tasks";
import { analyzeTask } from "./analyze-task";
import { decidePattern } from "./decide-pattern";
import { buildDiscoveryIndex, discoverServers, type DiscoveryIndex } from "./server-discovery";
import { PATTERNS } from "./vocabulary";

/**
 * Accuracy on labelled tasks written for this repository (the dev set is scored in
 * scripts/autonomy.test.ts, which may read files). Floors: top-3 server recall ≥ 0.95, pattern
 * accuracy ≥ 0.85.
 */
function score(tasks: readonly LabelledTask[], index: DiscoveryIndex) {
  let found = 0;
  let wanted = 0;
  let correct = 0;
  let exactServers = 0;
  for (const { task, servers, pattern } of tasks) {
    const features = analyzeTask(task);
    const listed = discoverServers(index, features).servers.map((s) => s.shortName);
    wanted += servers.length;
    found += servers.filter((s) => listed.slice(0, 3).includes(s)).length;
    if (listed.length === servers.length && servers.every((s) => listed.includes(s)))
      exactServers++;
    if (decidePattern(features).pattern === pattern) correct++;
  }
  return {
    recall: wanted ? found / wanted : 1,
    accuracy: correct / tasks.length,
    exactServers: exactServers / tasks.length,
  };
}

const builtins = buildDiscoveryIndex(BUILTIN_ENTRIES);
const padded = buildDiscoveryIndex(padCatalog(BUILTIN_ENTRIES, 240));

describe("accuracy on our own labelled tasks", () => {
  it("covers every pattern and every built-in server", () => {
    const all = [...EXTRA_TASKS, ...HELD_OUT_TASKS];
    expect(EXTRA_TASKS.length + HELD_OUT_TASKS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(all.map((t) => t.pattern))).toEqual(new Set(PATTERNS));
    expect(new Set(all.flatMap((t) => t.servers))).toEqual(
      new Set(builtins.entries.map((e) => e.shortName)),
    );
  });

  it.each([
    ["extra", EXTRA_TASKS],
    ["held-out", HELD_OUT_TASKS],
  ] as const)(
    "meets the floors on the %s tasks, with the built-in and a padded catalog",
    (_, tasks) => {
      for (const index of [builtins, padded]) {
        const { recall, accuracy, exactServers } = score(tasks, index);
        expect(recall).toBeGreaterThanOrEqual(0.95);
        expect(accuracy).toBeGreaterThanOrEqual(0.85);
        // Listing only what is needed: most tasks get exactly their servers.
        expect(exactServers).toBeGreaterThanOrEqual(0.85);
      }
    },
  );

  it.each(BLIND_TASKS.map(({ batch, tasks }) => [batch, tasks] as const))(
    "meets the floors on blind batch %i, written by people who had not read the analyzer",
    (_, tasks) => {
      for (const index of [builtins, padded]) {
        const { recall, accuracy } = score(tasks, index);
        expect(recall).toBeGreaterThanOrEqual(0.95);
        expect(accuracy).toBeGreaterThanOrEqual(0.85);
      }
    },
  );
});
