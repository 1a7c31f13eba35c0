import { z } from "zod";
import { announceIfExposed } from "@/server/services/mcp-tools";
import * as gate from "@/server/services/publish-gate";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

/** A workflow's publish gate (issue 17): its dataset and minimum score; publishing past a refusal. Publishing itself is workflow.publish. */
export const publishGateRouter = router({
  get: permissionProcedure("workflow.view")
    .input(z.object({ workflowId: id }))
    .query(({ ctx, input }) => gate.getPublishGate(ctx, input.workflowId)),

  set: permissionProcedure("gate.manage")
    .input(gate.publishGateInput)
    .mutation(({ ctx, input }) => gate.setPublishGate(ctx, input)),

  remove: permissionProcedure("gate.manage")
    .input(z.object({ workflowId: id }))
    .mutation(({ ctx, input }) => gate.removePublishGate(ctx, input.workflowId)),

  /** Starts the gate's evaluation of the draft (the editor follows its progress, then publishes naming it). */
  evaluate: permissionProcedure("workflow.edit")
    .input(z.object({ workflowId: id }))
    .mutation(async ({ ctx, input }) => {
      const system = await ctx.runSystem();
      return gate.startGateEvaluation(
        ctx,
        { runDeps: system.runDeps, llm: system.executor.llm },
        input.workflowId,
      );
    }),

  /** Publishes the draft although the gate refused it: an admin's decision with a reason, audited as workflow.publish.override. */
  publishAnyway: permissionProcedure("gate.manage")
    .input(gate.overrideInput)
    .mutation(async ({ ctx, input }) => {
      const version = await gate.publishPastGate(ctx, input);
      await announceIfExposed(ctx, (await ctx.runSystem()).bus, input.workflowId);
      return version;
    }),
});
