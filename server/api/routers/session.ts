import { z } from "zod";
import { getSignInLimiters } from "@/server/auth/limiters";
import { ROLE_PERMISSIONS } from "@/server/auth/permissions";
import { changePassword, changePasswordInput, signOutEverywhere } from "@/server/services/sessions";
import { listMyTenants, listTenantMembers, switchTenant } from "@/server/services/tenants";
import { permissionProcedure, protectedProcedure, router } from "../trpc";

export const sessionRouter = router({
  /** What the app shell needs: who I am, where I act, what I may do there, where else I could act. */
  me: protectedProcedure.query(async ({ ctx }) => ({
    user: ctx.actor,
    tenant: ctx.tenant,
    permissions: ctx.tenant ? [...ROLE_PERMISSIONS[ctx.tenant.role]] : [],
    tenants: await listMyTenants(ctx),
  })),

  /** Checks and remembers the tenant to act in; the client then stores it in its session. */
  switchTenant: protectedProcedure
    .input(z.object({ tenantId: z.uuid() }))
    .mutation(({ ctx, input }) => switchTenant(ctx, input.tenantId)),

  /** Ends every session of the caller, this one too (the client then signs out). */
  signOutEverywhere: protectedProcedure.mutation(({ ctx }) => signOutEverywhere(ctx)),

  /** Checks the current password, sets the new one and ends the caller's other sessions. */
  changePassword: protectedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) =>
      changePassword(ctx, input, { limiter: getSignInLimiters().account }),
    ),

  members: permissionProcedure("member.view").query(({ ctx }) => listTenantMembers(ctx)),
});
