// What other features use from components/learning/: its public surface. The rest of the
// folder is its own; the layer lint (scripts/eslint-layers.mjs) lets other features import only this.

export { RunForecastCheck } from "./run-forecast-check";
export { RunPrediction } from "./run-prediction";
export { RunRating } from "./run-rating";
