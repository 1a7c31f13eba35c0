import { pageInput } from "@/server/repositories/pagination";
import {
  auditFiltersInput,
  exportTenantAuditLog,
  getAuditFacets,
  listTenantAuditLog,
} from "@/server/services/audit";
import { permissionProcedure, router } from "../trpc";

/** Read only: no procedure changes or deletes an audit record (and the database refuses it too). */
export const auditRouter = router({
  list: permissionProcedure("audit.view")
    .input(pageInput.extend(auditFiltersInput.shape))
    .query(({ ctx, input }) => listTenantAuditLog(ctx, input)),
  /** The actions, actors and target types present, for the filters. */
  facets: permissionProcedure("audit.view").query(({ ctx }) => getAuditFacets(ctx)),
  /** Every record matching the filters, streamed (the CSV at /api/audit/export reads this). */
  export: permissionProcedure("audit.view")
    .input(auditFiltersInput)
    .query(({ ctx, input }) => exportTenantAuditLog(ctx, input)),
});
