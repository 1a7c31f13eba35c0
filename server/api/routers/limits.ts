import {
  getTenantLimits,
  updateLimitsInput,
  updateTenantLimits,
} from "@/server/services/tenant-limits";
import { permissionProcedure, router } from "../trpc";

/** The tenant's quotas and rate limits: every member may read them, admins change them. */
export const limitsRouter = router({
  get: permissionProcedure("member.view").query(({ ctx }) => getTenantLimits(ctx)),

  update: permissionProcedure("quota.manage")
    .input(updateLimitsInput)
    .mutation(({ ctx, input }) => updateTenantLimits(ctx, input)),
});
