/** Learning from outcomes and edits: statistics, Thompson sampling, A/B experiments, prediction, preferences. */
export { classifyTask, type Outcome } from "./outcome";
export {
  addToMean,
  createLearningBook,
  createStats,
  learnedPatternStats,
  recordOutcome,
  updateStats,
  varianceOf,
  type LearningBook,
  type RunningMean,
  type StrategyStats,
} from "./strategy-stats";
export { createRng, sampleBeta, sampleGamma, sampleNormal, type Rng } from "./random";
export { betaMean, betaVariance, credibleInterval, differenceInterval, probabilityBeats, type BetaPosterior } from "./beta-math";
export { chooseStrategy, type StrategyArm } from "./thompson";
export {
  assignArm,
  createExperiment,
  evaluateExperiment,
  hashToUnit,
  recordExperimentOutcome,
  DEFAULT_STOP_RULE,
  type Experiment,
  type ExperimentArm,
  type ExperimentResult,
  type StopRule,
} from "./experiments";
export { predictOutcome, type Prediction } from "./predict-outcome";
export {
  createPreferences,
  detectPattern,
  learnFromEdit,
  modelsOf,
  preferenceBias,
  serversOf,
  type PreferenceBias,
  type PreferenceCounters,
} from "./preferences";
