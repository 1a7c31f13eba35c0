import { CAPABILITY_OF_SERVER } from "./discovery-terms";
import { trainLinearModel, type LinearModel } from "./linear-model";
import { analyzeTask } from "./analyze-task";
import { serverCuesOf, type DiscoveryIndex } from "./server-discovery";
import { ANY_SERVER } from "./task-models";
import { CAPABILITIES, PATTERNS, type Capability, type Pattern } from "./vocabulary";

/** One labelled task: the catalog short names it needs (best first) and its workflow pattern. */
export type LabelledTask = { task: string; servers: readonly string[]; pattern: Pattern };

/** The three learned models the planner reads (task-models.ts). */
export type TaskModels = { capabilities: LinearModel; patterns: LinearModel; servers: LinearModel };

const OPTIONS = { epochs: 30, rate: 0.5, l2: 1e-4, minCount: 2, seed: 1 };

/**
 * Trains the capability, pattern and server models from labelled tasks. `index` is the catalog the
 * server labels name (the built-in one), so the retrieval cues mean what they will mean at run
 * time; the capability model is trained first and the others read the task as analysed with it.
 * @example const { patterns, servers } = trainTaskModels(tasks, buildDiscoveryIndex(BUILTIN_ENTRIES, { model: null }))
 */
export function trainTaskModels(tasks: readonly LabelledTask[], index: DiscoveryIndex): TaskModels {
  const retrievalOnly: DiscoveryIndex = { ...index, model: null };
  const plain = tasks.map((labelled) => analyzeTask(labelled.task).cues);
  const capabilities = trainLinearModel(
    tasks.map((labelled, i) => ({
      features: plain[i] as string[],
      labels: labelled.servers
        .map((server) => CAPABILITY_OF_SERVER[server])
        .filter((c): c is Capability => c !== undefined),
    })),
    { kind: "one-vs-rest", labels: CAPABILITIES, ...OPTIONS },
  );
  const patterns = trainLinearModel(
    tasks.map((labelled, i) => ({ features: plain[i] as string[], labels: [labelled.pattern] })),
    { kind: "softmax", labels: PATTERNS, ...OPTIONS },
  );
  const serverLabels = [...new Set(tasks.flatMap((t) => t.servers))].sort();
  const servers = trainLinearModel(
    tasks.map((labelled) => {
      const features = analyzeTask(labelled.task, { capabilities, patterns });
      return {
        features: serverCuesOf(retrievalOnly, features),
        labels: labelled.servers.length ? [...labelled.servers, ANY_SERVER] : [],
      };
    }),
    { kind: "one-vs-rest", labels: [...serverLabels, ANY_SERVER], ...OPTIONS },
  );
  return { capabilities, patterns, servers };
}
