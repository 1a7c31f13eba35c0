import {
  exportUsageRecords,
  getUsageSummary,
  usageRangeInput,
  usageSummaryInput,
} from "@/server/services/usage";
import { permissionProcedure, router } from "../trpc";

export const usageRouter = router({
  /** Totals, per day, per workflow and per member of a range of UTC days. */
  summary: permissionProcedure("usage.view")
    .input(usageSummaryInput)
    .query(({ ctx, input }) => getUsageSummary(ctx, input)),
  /** Every usage record of the range, streamed (the billing CSV at /api/usage/export reads this). */
  export: permissionProcedure("usage.view")
    .input(usageRangeInput)
    .query(({ ctx, input }) => exportUsageRecords(ctx, input)),
});
