/**
 * A linear classifier over sparse string features, trained from labelled examples: multinomial
 * logistic regression (one label per example, softmax) or one-vs-rest logistic regression (any
 * number of labels per example, a sigmoid each). Plain stochastic gradient descent with L2
 * shrinkage and a step size that decays per epoch: the corpus is a few thousand short texts, so
 * training takes well under a second and needs nothing clever. The weights are plain data
 * (`LinearModel`), stored as JSON by scripts/autonomy.ts `train` and read back here.
 */

export type LinearModel = {
  kind: "softmax" | "one-vs-rest";
  labels: string[];
  bias: number[];
  /** feature → one weight per label (absent features weigh nothing). */
  weights: Record<string, number[]>;
  /**
   * Decision thresholds learned with the model on its training data only (train-task-models.ts):
   * the capability model's `needsCapability`, the server model's `DiscoveryThresholds`.
   */
  thresholds?: Record<string, number>;
  /** The L2 shrinkage training used, when it was picked by cross-validation (the server model). */
  l2?: number;
};

export type TrainingExample = { features: readonly string[]; labels: readonly string[] };

export type TrainOptions = {
  kind: "softmax" | "one-vs-rest";
  labels: readonly string[];
  epochs?: number;
  rate?: number;
  l2?: number;
  /** Features seen in fewer examples are left out (noise, and a smaller model). */
  minCount?: number;
  seed?: number;
};

function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * Trains a linear model. Deterministic for a given seed.
 * @example trainLinearModel([{ features: ["w:route"], labels: ["router"] }], { kind: "softmax", labels: ["single", "router"] })
 */
export function trainLinearModel(
  examples: readonly TrainingExample[],
  options: TrainOptions,
): LinearModel {
  const labels = [...options.labels];
  const k = labels.length;
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const epochs = options.epochs ?? 30;
  const rate = options.rate ?? 0.5;
  const l2 = options.l2 ?? 1e-4;
  const minCount = options.minCount ?? 2;
  const counts = new Map<string, number>();
  for (const example of examples)
    for (const feature of new Set(example.features))
      counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const featureIndex = new Map<string, number>();
  for (const [feature, count] of counts)
    if (count >= minCount) featureIndex.set(feature, featureIndex.size);
  const w = new Float64Array(featureIndex.size * k);
  const bias = new Float64Array(k);
  const rows = examples.map((example) => ({
    features: [...new Set(example.features)]
      .map((f) => featureIndex.get(f))
      .filter((i): i is number => i !== undefined),
    targets: example.labels
      .map((label) => labelIndex.get(label))
      .filter((i): i is number => i !== undefined),
  }));
  const logits = new Float64Array(k);
  const gradient = new Float64Array(k);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const step = rate / (1 + epoch * 0.2);
    shuffle(order, (options.seed ?? 1) + epoch);
    for (const r of order) {
      const row = rows[r] as (typeof rows)[number];
      // Each feature is 1/sqrt(n): long and short texts weigh alike.
      const value = row.features.length ? 1 / Math.sqrt(row.features.length) : 0;
      for (let c = 0; c < k; c++) {
        let z = bias[c] as number;
        for (const f of row.features) z += (w[f * k + c] as number) * value;
        logits[c] = z;
      }
      if (options.kind === "softmax") {
        const max = Math.max(...logits);
        let sum = 0;
        for (let c = 0; c < k; c++) {
          gradient[c] = Math.exp((logits[c] as number) - max);
          sum += gradient[c] as number;
        }
        for (let c = 0; c < k; c++) gradient[c] = (gradient[c] as number) / sum;
        for (const t of row.targets) gradient[t] = (gradient[t] as number) - 1;
      } else {
        for (let c = 0; c < k; c++) gradient[c] = 1 / (1 + Math.exp(-(logits[c] as number)));
        for (const t of row.targets) gradient[t] = (gradient[t] as number) - 1;
      }
      for (let c = 0; c < k; c++) {
        const g = gradient[c] as number;
        bias[c] = (bias[c] as number) - step * g;
        for (const f of row.features) {
          const at = f * k + c;
          w[at] = (w[at] as number) * (1 - step * l2) - step * g * value;
        }
      }
    }
  }
  const weights: Record<string, number[]> = {};
  for (const [feature, i] of featureIndex) {
    const row = Array.from(w.subarray(i * k, i * k + k), (x) => Math.round(x * 100) / 100);
    // Features whose every weight rounds to almost nothing only make the model file larger.
    if (row.some((x) => Math.abs(x) >= 0.01)) weights[feature] = row;
  }
  return {
    kind: options.kind,
    labels,
    bias: Array.from(bias, (x) => Math.round(x * 100) / 100),
    weights,
  };
}

type CompiledModel = { k: number; bias: Float64Array; weights: Map<string, Float64Array> };
const compiled = new WeakMap<LinearModel, CompiledModel>();

/** The model's weights as typed rows in a Map, built once per model object. */
function compile(model: LinearModel): CompiledModel {
  let done = compiled.get(model);
  if (!done) {
    const weights = new Map<string, Float64Array>();
    for (const [feature, row] of Object.entries(model.weights))
      weights.set(feature, Float64Array.from(row));
    done = { k: model.labels.length, bias: Float64Array.from(model.bias), weights };
    compiled.set(model, done);
  }
  return done;
}

/**
 * Each label's probability for a set of features (each listed once): a softmax over labels, or a
 * sigmoid per label.
 * @example predictLinear(model, ["w:route", "w:each"]) // → [0.1, 0.8, …] in model.labels order
 */
export function predictLinear(model: LinearModel, features: readonly string[]): number[] {
  const { k, bias, weights } = compile(model);
  // One pass: sum the known features' rows, then scale by their count as in training.
  const sum = new Float64Array(k);
  let known = 0;
  for (let f = 0; f < features.length; f++) {
    const row = weights.get(features[f] as string);
    if (row === undefined) continue;
    known++;
    for (let c = 0; c < k; c++) sum[c] = (sum[c] as number) + (row[c] as number);
  }
  const value = known ? 1 / Math.sqrt(known) : 0;
  const out = new Array<number>(k);
  if (model.kind === "one-vs-rest") {
    for (let c = 0; c < k; c++)
      out[c] = 1 / (1 + Math.exp(-((bias[c] as number) + (sum[c] as number) * value)));
    return out;
  }
  let max = -Infinity;
  for (let c = 0; c < k; c++) {
    const z = (bias[c] as number) + (sum[c] as number) * value;
    out[c] = z;
    if (z > max) max = z;
  }
  let total = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp((out[c] as number) - max);
    out[c] = e;
    total += e;
  }
  for (let c = 0; c < k; c++) out[c] = (out[c] as number) / total;
  return out;
}

/** A feature's weight for one label (0 when the model does not know it). */
export function weightOf(model: LinearModel, feature: string, label: number): number {
  return compile(model).weights.get(feature)?.[label] ?? 0;
}

/** How many of the features the model knows (the n its features are scaled by, as 1/√n). */
export function knownFeatureCount(model: LinearModel, features: readonly string[]): number {
  const { weights } = compile(model);
  let known = 0;
  for (const feature of features) if (weights.has(feature)) known++;
  return known;
}
