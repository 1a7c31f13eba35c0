import { z } from "zod";
import * as alerts from "@/server/services/alerts";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

/** Alerts raised by the anomaly watcher, their remediations, and the tenant's anomaly settings. */
export const anomalyRouter = router({
  list: permissionProcedure("anomaly.view")
    .input(alerts.listAlertsInput)
    .query(({ ctx, input }) => alerts.listAlerts(ctx, input)),

  get: permissionProcedure("anomaly.view")
    .input(z.object({ id }))
    .query(async ({ ctx, input }) =>
      alerts.getAlert(ctx, input.id, (await ctx.runSystem()).watch.bucketMs),
    ),

  openCount: permissionProcedure("anomaly.view").query(({ ctx }) => alerts.countOpenAlerts(ctx)),

  /** The open count now and after every change to the tenant's alerts (the sidebar badge), over SSE. */
  liveCount: permissionProcedure("anomaly.view").subscription(async function* ({ ctx, signal }) {
    yield* alerts.streamOpenAlertCount(ctx, (await ctx.runSystem()).bus, signal);
  }),

  acknowledge: permissionProcedure("anomaly.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) =>
      alerts.acknowledgeAlert(ctx, (await ctx.runSystem()).bus, input.id),
    ),

  resolve: permissionProcedure("anomaly.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) =>
      alerts.resolveAlert(ctx, (await ctx.runSystem()).bus, input.id),
    ),

  undoAction: permissionProcedure("anomaly.manage")
    .input(z.object({ alertId: id, actionId: id }))
    .mutation(async ({ ctx, input }) =>
      alerts.undoAlertAction(ctx, (await ctx.runSystem()).watch, input),
    ),

  settings: permissionProcedure("anomaly.view").query(({ ctx }) => alerts.getAnomalySettings(ctx)),

  updateSettings: permissionProcedure("anomaly.manage")
    .input(alerts.anomalySettingsInput)
    .mutation(({ ctx, input }) => alerts.updateAnomalySettings(ctx, input)),
});
