/**
 * Evaluations, the pure layer: dataset items and their import, evaluators as data and how they
 * score an item, an evaluation's summary with intervals, the comparison of two evaluations, and the
 * publish gate's decision. The server runs the evaluations and stores them; the UI shows them.
 */
export {
  DATASET_LIMITS,
  DatasetItemSchema,
  DatasetTagSchema,
  type DatasetItem,
  type DatasetItemInput,
  type StoredDatasetItem,
} from "./dataset-item";
export {
  detectCsvDelimiter,
  readCsv,
  type CsvDelimiter,
  type CsvProblem,
  type CsvRecord,
} from "./csv";
export {
  DatasetMappingSchema,
  FIELD_TYPES,
  FieldSourceSchema,
  suggestMapping,
  type DatasetMapping,
  type DatasetMappingInput,
  type FieldSource,
} from "./dataset-mapping";
export {
  importDataset,
  MAX_LISTED_PROBLEMS,
  previewDatasetMapping,
  type DatasetImport,
  type ImportFormat,
  type ImportOptions,
  type ImportProblem,
  type MappingPreview,
  type RowOutcome,
} from "./dataset-import";
export {
  EvaluatorListSchema,
  EvaluatorSchema,
  MAX_EVALUATORS,
  needsModel,
  type Evaluator,
  type EvaluatorInput,
  type EvaluatorKind,
} from "./evaluators";
export {
  createLlmJudge,
  JUDGE_OUTPUT_SCHEMA,
  type EmbeddingPort,
  type EmbeddingRequest,
  type EmbeddingResult,
  type EvaluatorPorts,
  type JudgePort,
  type JudgeRequest,
  type JudgeVerdict,
} from "./evaluator-ports";
export { parseEvaluatorExpression } from "./evaluator-expression";
export { compileSafeRegex, SAFE_REGEX_LIMITS } from "./safe-regex";
export {
  combineScores,
  scoreItem,
  type EvaluatedCase,
  type EvaluatorResult,
  type ItemScore,
} from "./score-item";
export { meanInterval, pairedDifferenceInterval, type Interval } from "./intervals";
export {
  DEFAULT_PASS_THRESHOLD,
  describeDistribution,
  summarizeEvaluation,
  type Distribution,
  type EvaluatedItem,
  type EvaluationSummary,
} from "./aggregate";
export {
  compareEvaluations,
  type ComparisonResult,
  type EvaluationComparison,
  type EvaluationRun,
  type ItemComparison,
} from "./compare";
export {
  decidePublishGate,
  PublishGateSettingsSchema,
  type GateDecision,
  type GateEvaluation,
  type GateRegression,
  type PublishGateSettings,
} from "./publish-gate";
