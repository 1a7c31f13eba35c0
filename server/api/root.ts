import { auditRouter } from "./routers/audit";
import { sessionRouter } from "./routers/session";
import { workflowRouter } from "./routers/workflow";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  session: sessionRouter,
  workflow: workflowRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process, as tests and server components do: `createCaller(ctx).workflow.list()`. */
export const createCaller = createCallerFactory(appRouter);
