import type { AlertAction, AnomalySettings } from "./types";

export type RuleKey = keyof AnomalySettings["rules"];
export type Sensitivity = AnomalySettings["sensitivity"];

/** The remediation rules in words: what each does when an alert opens, in one line. */
export const RULE_TEXT: Record<RuleKey, { label: string; description: string }> = {
  circuitBreaker: {
    label: "Circuit breaker",
    description:
      "When an MCP server's error rate is anomalous, stop calling it for a while instead of failing run after run.",
  },
  fallbackServer: {
    label: "Fallback server",
    description:
      "While a server's breaker is open, send its calls to the fallback server set below (needs the circuit breaker).",
  },
  pauseWorkflow: {
    label: "Pause workflow",
    description:
      "When a workflow's failure rate spikes, pause it so no new runs start until someone resumes it (on its canvas or from its alert).",
  },
  tightenRate: {
    label: "Halve concurrent runs",
    description:
      "When the tenant's cost or tokens per hour spike, halve how many runs may run at once.",
  },
} satisfies Record<AlertAction["rule"], unknown>;

export const RULE_KEYS = Object.keys(RULE_TEXT) as RuleKey[];

export const SENSITIVITY_TEXT: Record<Sensitivity, { label: string; description: string }> = {
  low: {
    label: "Low",
    description: "Only glaring outliers: fewer alerts, some slow drifts missed.",
  },
  medium: { label: "Medium", description: "The default: clear departures from the usual band." },
  high: { label: "High", description: "Also modest departures: earlier warnings, more noise." },
};

export const SENSITIVITIES = Object.keys(SENSITIVITY_TEXT) as Sensitivity[];
