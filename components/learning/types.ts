import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>["learning"];
export type LearningOverview = Outputs["overview"];
export type TaskClassStats = LearningOverview["classes"][number];
export type PreferenceCounters = LearningOverview["preferences"]["counters"];
export type OutcomeItem = Outputs["outcomes"]["items"][number];
export type RunPrediction = Outputs["predict"];
export type ExperimentItem = Outputs["experiments"][number];
export type ExperimentDetail = Outputs["experiment"];
export type ExperimentArm = ExperimentItem["arms"][number];
export type ExperimentStatus = ExperimentItem["status"];

/** A share with its 95 % credible interval, all in [0, 1]. */
export type RateInterval = { mean: number; low: number; high: number };
