/**
 * Anomaly detection's public surface: detectors over metric series, forecasts, and the state
 * machines the server drives (circuit breaker, alert lifecycle). All pure: no clock, no I/O.
 */
export { detectAnomalies, type AnomalyReport } from "./detect-anomalies";
export {
  detectEwma,
  detectLevelShifts,
  detectRobustZ,
  detectSeasonal,
  prepareSeries,
  type DetectOptions,
} from "./detectors";
export { KIND_PROFILES, thresholdFor } from "./kind-profiles";
export {
  detectRunTotals,
  forecastRunTotals,
  type RunTotalPoint,
  type RunTotalsOptions,
  type RunTotalsReport,
} from "./run-totals";
export { detectSeasonality, type SeasonalProfile } from "./seasonality";
export {
  fitForecast,
  forecastSeries,
  type ForecastModel,
  type ForecastOptions,
  type ForecastPoint,
} from "./forecast";
export {
  createCircuitBreaker,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerState,
  type CircuitStatus,
} from "./circuit-breaker";
export {
  decideAlert,
  foldAlert,
  listEvaluations,
  severityOf,
  type AlertAction,
  type AlertDecision,
  type AlertEvaluation,
  type AlertPolicy,
  type AlertSeverity,
  type SeriesAlert,
} from "./alert-lifecycle";
export * from "./types";
