import { trainLinearModel, type LinearModel } from "./linear-model";
import { analyzeTask } from "./analyze-task";
import { serverCuesOf, type DiscoveryIndex } from "./server-discovery";
import { ANY_SERVER } from "./task-models";
import { PATTERNS, type Pattern } from "./vocabulary";

/** One labelled task: the catalog short names it needs (best first) and its workflow pattern. */
export type LabelledTask = { task: string; servers: readonly string[]; pattern: Pattern };

const OPTIONS = { epochs: 30, rate: 0.5, l2: 1e-4, minCount: 2, seed: 1 };

/**
 * Trains the pattern and server models from labelled tasks. `index` is the catalog the server
 * labels name (the built-in one), so the retrieval cues mean what they will mean at run time.
 * @example const { patterns, servers } = trainTaskModels(tasks, buildDiscoveryIndex(BUILTIN_ENTRIES, { model: null }))
 */
export function trainTaskModels(
  tasks: readonly LabelledTask[],
  index: DiscoveryIndex,
): { patterns: LinearModel; servers: LinearModel } {
  const retrievalOnly: DiscoveryIndex = { ...index, model: null };
  const rows = tasks.map((labelled) => {
    const features = analyzeTask(labelled.task);
    return { labelled, cues: features.cues, serverCues: serverCuesOf(retrievalOnly, features) };
  });
  const serverLabels = [...new Set(tasks.flatMap((t) => t.servers))].sort();
  const patterns = trainLinearModel(
    rows.map((r) => ({ features: r.cues, labels: [r.labelled.pattern] })),
    { kind: "softmax", labels: PATTERNS, ...OPTIONS },
  );
  const servers = trainLinearModel(
    rows.map((r) => ({
      features: r.serverCues,
      labels: r.labelled.servers.length ? [...r.labelled.servers, ANY_SERVER] : [],
    })),
    { kind: "one-vs-rest", labels: [...serverLabels, ANY_SERVER], ...OPTIONS },
  );
  return { patterns, servers };
}
