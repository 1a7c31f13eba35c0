import { z } from "zod";
import { pageInput } from "@/server/repositories/pagination";
import { listTenantAuditLog } from "@/server/services/audit";
import { permissionProcedure, router } from "../trpc";

export const auditRouter = router({
  list: permissionProcedure("audit.view")
    .input(pageInput.extend({ action: z.string().trim().max(100).optional() }))
    .query(({ ctx, input }) => listTenantAuditLog(ctx, input)),
});
