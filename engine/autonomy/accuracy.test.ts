import { describe, expect, it } from "vitest";
import { BUILTIN_ENTRIES, padCatalog } from "./__fixtures__/catalog";
import { BLIND_TASKS } from "./__fixtures__/blind-tasks";
import { EXTRA_TASKS, HELD_OUT_TASKS, type LabelledTask } from "./__fixtures__/extra-tasks";
import { analyzeTask } from "./analyze-task";
import { decidePattern } from "./decide-pattern";
import { buildDiscoveryIndex, discoverServers, type DiscoveryIndex } from "./server-discovery";
import { trainTaskModels, type TaskModels } from "./train-task-models";
import { PATTERNS } from "./vocabulary";

/**
 * Accuracy of the learned models on tasks they were not trained on: each blind batch (written by
 * people who had not read the planner) is scored by models trained here on our other labelled
 * tasks only. The committed models are trained on everything, so scoring them on these sets would
 * only say they fit their own training data; bench:autonomy and scripts/autonomy.test.ts do the
 * same on the independent writers' corpus.
 */
function score(tasks: readonly LabelledTask[], index: DiscoveryIndex, models: TaskModels) {
  let found = 0;
  let wanted = 0;
  let correct = 0;
  for (const { task, servers, pattern } of tasks) {
    // Read with the models trained without these tasks (the committed ones were trained on them).
    const features = analyzeTask(task, models);
    const listed = discoverServers(index, features).candidates.map((s) => s.shortName);
    wanted += servers.length;
    found += servers.filter((s) => listed.includes(s)).length;
    if (decidePattern(features, { model: models.patterns }).pattern === pattern) correct++;
  }
  return { recall: wanted ? found / wanted : 1, accuracy: correct / tasks.length };
}

describe("accuracy of the learned models on our own labelled tasks", () => {
  it("covers every pattern and every built-in server", () => {
    const all = [...EXTRA_TASKS, ...HELD_OUT_TASKS];
    expect(EXTRA_TASKS.length + HELD_OUT_TASKS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(all.map((t) => t.pattern))).toEqual(new Set(PATTERNS));
    expect(new Set(all.flatMap((t) => t.servers))).toEqual(
      new Set(buildDiscoveryIndex(BUILTIN_ENTRIES).entries.map((e) => e.shortName)),
    );
  });

  it.each(BLIND_TASKS.map(({ batch }) => [batch] as const))(
    "meets the floors on blind batch %i when trained without it, with the built-in and a padded catalog",
    (batch) => {
      const groups: [string, readonly LabelledTask[]][] = [
        ["extra", [...EXTRA_TASKS, ...HELD_OUT_TASKS]],
        ...BLIND_TASKS.filter((b) => b.batch !== batch).map(
          (b): [string, readonly LabelledTask[]] => [`blind-${b.batch}`, b.tasks],
        ),
      ];
      // Its thresholds too are picked on these writers only (trainTaskModels' inner folds).
      const models = trainTaskModels(
        groups.flatMap(([, tasks]) => tasks),
        buildDiscoveryIndex(BUILTIN_ENTRIES, { model: null }),
        { writers: groups.flatMap(([name, tasks]) => tasks.map(() => name)) },
      );
      const tasks = BLIND_TASKS.find((b) => b.batch === batch)?.tasks ?? [];
      for (const entries of [BUILTIN_ENTRIES, padCatalog(BUILTIN_ENTRIES, 240)]) {
        const index = buildDiscoveryIndex(entries, { model: models.servers });
        const { recall, accuracy } = score(tasks, index, models);
        expect(recall).toBeGreaterThanOrEqual(0.95);
        expect(accuracy).toBeGreaterThanOrEqual(0.85);
      }
    },
    // Training with its inner cross-validation is four trainings.
    120_000,
  );
});
