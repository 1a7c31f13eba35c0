import { z } from "zod";
import { ANALYTICS_RANGES, getRunAnalytics, type AnalyticsRange } from "@/server/services/run-analytics";
import { permissionProcedure, router } from "../trpc";

const range = z.enum(Object.keys(ANALYTICS_RANGES) as [AnalyticsRange, ...AnalyticsRange[]]);

export const analyticsRouter = router({
  runs: permissionProcedure("analytics.view")
    .input(z.object({ range: range.default("day") }))
    .query(({ ctx, input }) => getRunAnalytics(ctx, input)),
});
