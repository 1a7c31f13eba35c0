import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>["anomaly"];
export type AlertItem = Outputs["list"]["items"][number];
export type AlertDetail = Outputs["get"];
export type AlertSeries = NonNullable<AlertDetail["series"]>;
export type AlertAction = AlertItem["actions"][number];
export type AnomalySettings = Outputs["settings"];
export type WatchedMetricInfo = AnomalySettings["metrics"][number];
export type SeriesUnit = AlertSeries["unit"];

/** Mirrors db/schema ALERT_STATUSES and ALERT_SEVERITIES (components may not import db/). */
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_SEVERITIES = ["warning", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
