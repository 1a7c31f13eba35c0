import * as autonomy from "@/server/services/autonomy";
import { permissionProcedure, router } from "../trpc";

/** "Describe a task" (issue 9): the planner's proposal, a workflow made from it, servers for a task. */
export const autonomyRouter = router({
  /** A workflow proposed for a task, with its reasons; `pattern` re-plans as that pattern. Changes nothing. */
  propose: permissionProcedure("workflow.edit")
    .input(autonomy.proposeInput)
    .query(({ ctx, input }) => autonomy.proposeWorkflow(ctx, input)),

  /** The proposal after one pass of the tenant's model (optional; the fast path needs none). */
  refine: permissionProcedure("workflow.edit")
    .input(autonomy.proposeInput)
    .mutation(async ({ ctx, input }) =>
      autonomy.refineWorkflowProposal(
        ctx,
        (await ctx.runSystem()).executor.llm(ctx.tenant.id),
        input,
      ),
    ),

  createFromProposal: permissionProcedure("workflow.edit")
    .input(autonomy.createFromProposalInput)
    .mutation(({ ctx, input }) => autonomy.createWorkflowFromProposal(ctx, input)),

  /** Catalog entries ranked for a task, for the marketplace. */
  recommend: permissionProcedure("marketplace.view")
    .input(autonomy.recommendInput)
    .query(({ ctx, input }) => autonomy.recommendServers(ctx, input)),
});
