import { z } from "zod";
import * as schedules from "@/server/services/schedules";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

/** A workflow's schedules (issue 15): cron in a time zone, running its latest published version. */
export const scheduleRouter = router({
  /** The workflow's schedules with their next fire times, and the version they run. */
  list: permissionProcedure("workflow.view")
    .input(z.object({ workflowId: id }))
    .query(({ ctx, input }) => schedules.listSchedules(ctx, input.workflowId)),

  /** The next fire times of an expression while it is typed; touches no data. */
  preview: permissionProcedure("workflow.view")
    .input(schedules.previewScheduleInput)
    .query(({ input }) => schedules.previewSchedule(input)),

  create: permissionProcedure("trigger.manage")
    .input(schedules.createScheduleInput)
    .mutation(({ ctx, input }) => schedules.createSchedule(ctx, input)),

  update: permissionProcedure("trigger.manage")
    .input(schedules.updateScheduleInput)
    .mutation(({ ctx, input }) => schedules.updateSchedule(ctx, input)),

  /** Pauses (false) or resumes (true) a schedule; resuming counts from now. */
  setEnabled: permissionProcedure("trigger.manage")
    .input(z.object({ id, isEnabled: z.boolean() }))
    .mutation(({ ctx, input }) => schedules.setScheduleEnabled(ctx, input)),

  delete: permissionProcedure("trigger.manage")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => schedules.deleteSchedule(ctx, input.id)),
});
