import { z } from "zod";
import { RUN_TRIGGERS } from "@/db/schema";
import {
  ANALYTICS_RANGES,
  getRunAnalytics,
  type AnalyticsRange,
} from "@/server/services/run-analytics";
import { permissionProcedure, router } from "../trpc";

const range = z.enum(Object.keys(ANALYTICS_RANGES) as [AnalyticsRange, ...AnalyticsRange[]]);

export const analyticsRouter = router({
  runs: permissionProcedure("analytics.view")
    .input(
      z.object({
        range: range.default("day"),
        trigger: z.array(z.enum(RUN_TRIGGERS)).max(RUN_TRIGGERS.length).optional(),
      }),
    )
    .query(({ ctx, input }) => getRunAnalytics(ctx, input)),
});
