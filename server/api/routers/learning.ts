import { z } from "zod";
import { pageInput } from "@/server/repositories/pagination";
import * as experiments from "@/server/services/experiments";
import * as learning from "@/server/services/learning";
import * as learningForecasts from "@/server/services/learning-forecasts";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

/** What finished runs taught (issue 9): strategy statistics, outcomes, predictions, ratings, A/B experiments. */
export const learningRouter = router({
  overview: permissionProcedure("analytics.view").query(({ ctx }) =>
    learning.getLearningOverview(ctx),
  ),

  outcomes: permissionProcedure("analytics.view")
    .input(pageInput)
    .query(({ ctx, input }) => learning.listRunOutcomes(ctx, input)),

  /** How good the predictions were: calibration and errors over time (issue 24). */
  forecastAccuracy: permissionProcedure("analytics.view").query(({ ctx }) =>
    learningForecasts.getForecastAccuracy(ctx),
  ),

  /** The expected outcome of a run before it starts. */
  predict: permissionProcedure("workflow.view")
    .input(z.object({ workflowId: id, versionId: id.optional(), draft: z.boolean().optional() }))
    .query(({ ctx, input }) => learning.predictRun(ctx, input)),

  /** A finished run's outcome (its rating among it), or null while it is not recorded yet. */
  outcome: permissionProcedure("run.view")
    .input(z.object({ runId: id }))
    .query(({ ctx, input }) => learning.getRunOutcome(ctx, input.runId)),

  rate: permissionProcedure("workflow.run")
    .input(z.object({ runId: id, rating: z.number().int().min(1).max(5) }))
    .mutation(({ ctx, input }) => learning.rateRun(ctx, input)),

  experiments: permissionProcedure("analytics.view").query(({ ctx }) =>
    experiments.listExperiments(ctx),
  ),

  experiment: permissionProcedure("analytics.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => experiments.getExperiment(ctx, input.id)),

  startExperiment: permissionProcedure("workflow.edit")
    .input(experiments.createExperimentInput)
    .mutation(({ ctx, input }) => experiments.startExperiment(ctx, input)),

  /** Publishes an ended experiment's winner again as the workflow's latest version. */
  promoteWinner: permissionProcedure("workflow.edit")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => experiments.promoteExperimentWinner(ctx, input.id)),

  stopExperiment: permissionProcedure("workflow.edit")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => experiments.stopExperiment(ctx, input.id)),
});
