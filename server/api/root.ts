import { analyticsRouter } from "./routers/analytics";
import { anomalyRouter } from "./routers/anomaly";
import { learningRouter } from "./routers/learning";
import { auditRouter } from "./routers/audit";
import { autonomyRouter } from "./routers/autonomy";
import { datasetRouter } from "./routers/dataset";
import { evaluationRouter } from "./routers/evaluation";
import { inspectorRouter } from "./routers/inspector";
import { limitsRouter } from "./routers/limits";
import { llmRouter } from "./routers/llm";
import { mcpRouter } from "./routers/mcp";
import { mcpOAuthRouter } from "./routers/mcp-oauth";
import { mcpToolRouter } from "./routers/mcp-tool";
import { memberRouter } from "./routers/member";
import { platformRouter } from "./routers/platform";
import { publishGateRouter } from "./routers/publish-gate";
import { runRouter } from "./routers/run";
import { scheduleRouter } from "./routers/schedule";
import { sessionRouter } from "./routers/session";
import { tokenRouter } from "./routers/token";
import { usageRouter } from "./routers/usage";
import { webhookRouter } from "./routers/webhook";
import { workflowRouter } from "./routers/workflow";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  session: sessionRouter,
  workflow: workflowRouter,
  audit: auditRouter,
  mcp: mcpRouter,
  /** OAuth sign-ins of remote MCP installations (never their tokens). */
  mcpOAuth: mcpOAuthRouter,
  /** Workflows exposed as tools of the tenant's MCP endpoint, /api/mcp. */
  mcpTool: mcpToolRouter,
  /** The tool runner's inspector sessions: resources, prompts, tools with progress, logs, history. */
  inspector: inspectorRouter,
  run: runRouter,
  /** Cron schedules that start a workflow's runs (issue 15). */
  schedule: scheduleRouter,
  /** Webhook triggers of a workflow (issue 15). */
  webhook: webhookRouter,
  analytics: analyticsRouter,
  /** Alerts from the anomaly watcher, remediation and settings (issue 8). */
  anomaly: anomalyRouter,
  /** What finished runs taught: strategy statistics, predictions, ratings, A/B experiments (issue 9). */
  learning: learningRouter,
  autonomy: autonomyRouter,
  /** Datasets of a workflow and evaluations of its versions against them (issue 17). */
  dataset: datasetRouter,
  evaluation: evaluationRouter,
  /** A workflow's publish gate: a dataset and a minimum score its drafts must reach to be published. */
  publishGate: publishGateRouter,
  /** Tenant administration (issue 7): one router per admin tab. */
  member: memberRouter,
  token: tokenRouter,
  limits: limitsRouter,
  usage: usageRouter,
  llm: llmRouter,
  /** Platform administration across tenants (superadmins). */
  platform: platformRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process, as tests and server components do: `createCaller(ctx).workflow.list()`. */
export const createCaller = createCallerFactory(appRouter);
