import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BLIND_TASKS } from "../engine/autonomy/__fixtures__/blind-tasks";
import { EXTRA_TASKS, HELD_OUT_TASKS } from "../engine/autonomy/__fixtures__/extra-tasks";
import type { LabelledTask } from "../engine/autonomy/train-task-models";

const ROOT = join(__dirname, "../engine/autonomy");

function readJsonLines(path: string): LabelledTask[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledTask);
}

/**
 * The labelled corpus, one list per writer, so that a model can be tested on writers it was not
 * trained on: our fixtures (the dev set, our extra tasks, each blind batch) and every
 * `engine/autonomy/corpus/<writer>.jsonl` (lines of {"task", "servers", "pattern"}).
 * @example Object.keys(loadWriters()) // → ["dev", "extra", "blind-1", "blind-2", "blind-3", "biz", …]
 */
export function loadWriters(): Record<string, LabelledTask[]> {
  const writers: Record<string, LabelledTask[]> = {
    dev: readJsonLines(join(ROOT, "__fixtures__/dev-tasks.jsonl")),
    extra: [...EXTRA_TASKS, ...HELD_OUT_TASKS],
  };
  for (const { batch, tasks } of BLIND_TASKS) writers[`blind-${batch}`] = tasks;
  const corpus = join(ROOT, "corpus");
  if (existsSync(corpus))
    for (const file of readdirSync(corpus).sort())
      if (file.endsWith(".jsonl"))
        writers[file.slice(0, -".jsonl".length)] = readJsonLines(join(corpus, file));
  return writers;
}

/**
 * Writers kept sealed (`engine/autonomy/corpus/sealed/<writer>.jsonl`): never trained on, never in
 * a cross-validation fold, and studied by nobody who changes the planner. bench:autonomy scores
 * them with the shipped models only: the one figure nobody could have fitted. Once someone studies
 * a sealed writer's misses to change the planner, it moves up into `corpus/` (a training writer)
 * and a new sealed one is written.
 * @example Object.keys(loadSealedWriters()) // → ["fin"]
 */
export function loadSealedWriters(): Record<string, LabelledTask[]> {
  const sealed = join(ROOT, "corpus", "sealed");
  const writers: Record<string, LabelledTask[]> = {};
  if (existsSync(sealed))
    for (const file of readdirSync(sealed).sort())
      if (file.endsWith(".jsonl"))
        writers[file.slice(0, -".jsonl".length)] = readJsonLines(join(sealed, file));
  return writers;
}
