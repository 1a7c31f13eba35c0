import { analyticsRouter } from "./routers/analytics";
import { auditRouter } from "./routers/audit";
import { mcpRouter } from "./routers/mcp";
import { runRouter } from "./routers/run";
import { sessionRouter } from "./routers/session";
import { workflowRouter } from "./routers/workflow";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  session: sessionRouter,
  workflow: workflowRouter,
  audit: auditRouter,
  mcp: mcpRouter,
  run: runRouter,
  analytics: analyticsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process, as tests and server components do: `createCaller(ctx).workflow.list()`. */
export const createCaller = createCallerFactory(appRouter);
