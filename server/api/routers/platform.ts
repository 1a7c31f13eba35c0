import * as tenants from "@/server/services/platform-tenants";
import { platformProcedure, router } from "../trpc";

/** Platform administration across tenants: superadmins only, members of the tenant or not. */
export const platformRouter = router({
  listTenants: platformProcedure
    .input(tenants.listTenantsInput)
    .query(({ ctx, input }) => tenants.listTenants(ctx, input)),

  createTenant: platformProcedure
    .input(tenants.createTenantInput)
    .mutation(({ ctx, input }) => tenants.createTenant(ctx, input)),

  renameTenant: platformProcedure
    .input(tenants.renameTenantInput)
    .mutation(({ ctx, input }) => tenants.renameTenant(ctx, input)),

  setSuspended: platformProcedure
    .input(tenants.setSuspendedInput)
    .mutation(({ ctx, input }) => tenants.setTenantSuspended(ctx, input)),

  deleteTenant: platformProcedure
    .input(tenants.deleteTenantInput)
    .mutation(({ ctx, input }) => tenants.deleteTenant(ctx, input)),
});
