import { tracked } from "@trpc/server";
import * as inspector from "@/server/services/mcp-inspector";
import { inspectorInput as input } from "@/server/services/mcp-inspector";
import { permissionProcedure, router } from "../trpc";

const deps = {};
const run = permissionProcedure("tool.run");

/**
 * The tool runner's inspector sessions (README "Tool runner"): one per user and installation or
 * URL, in this process. Every procedure after opening names its session, which only its own user
 * in its own tenant reaches (anyone else's is NOT_FOUND).
 */
export const inspectorRouter = router({
  openInstallation: run
    .input(input.openInstallation)
    .mutation(({ ctx, input }) => inspector.openInstallationSession(ctx, deps, input)),

  /** Trying a remote server by URL before installing it: the right to install one. */
  connectUrl: permissionProcedure("server.install")
    .input(input.connectUrl)
    .mutation(({ ctx, input }) => inspector.connectUrlSession(ctx, deps, input)),

  get: run
    .input(input.session)
    .query(({ ctx, input }) => inspector.describeSession(ctx, deps, input.sessionId)),

  close: run
    .input(input.session)
    .mutation(({ ctx, input }) => inspector.closeSession(ctx, deps, input.sessionId)),

  listTools: run
    .input(input.session)
    .query(({ ctx, input }) => inspector.listTools(ctx, deps, input.sessionId)),

  callTool: run
    .input(input.callTool)
    .mutation(({ ctx, input }) => inspector.callTool(ctx, deps, input)),

  cancel: run
    .input(input.cancel)
    .mutation(({ ctx, input }) => inspector.cancelCall(ctx, deps, input)),

  /** Answers a question the server asked during a call (MCP elicitation). */
  answer: run
    .input(input.answer)
    .mutation(({ ctx, input }) => inspector.answerQuestion(ctx, deps, input)),

  questions: run
    .input(input.session)
    .query(({ ctx, input }) => inspector.listQuestions(ctx, deps, input.sessionId)),

  listResources: run
    .input(input.session)
    .query(({ ctx, input }) => inspector.listResources(ctx, deps, input.sessionId)),

  readResource: run
    .input(input.readResource)
    .mutation(({ ctx, input }) => inspector.readResource(ctx, deps, input)),

  subscribe: run
    .input(input.resource)
    .mutation(({ ctx, input }) => inspector.subscribe(ctx, deps, input, true)),

  unsubscribe: run
    .input(input.resource)
    .mutation(({ ctx, input }) => inspector.subscribe(ctx, deps, input, false)),

  listPrompts: run
    .input(input.session)
    .query(({ ctx, input }) => inspector.listPrompts(ctx, deps, input.sessionId)),

  getPrompt: run
    .input(input.getPrompt)
    .mutation(({ ctx, input }) => inspector.getPrompt(ctx, deps, input)),

  setLogLevel: run
    .input(input.setLogLevel)
    .mutation(({ ctx, input }) => inspector.setLogLevel(ctx, deps, input)),

  /** The session's JSON-RPC history, progress, log messages and updates over SSE; resumes after `lastEventId`. */
  events: run.input(input.events).subscription(async function* ({ ctx, input, signal }) {
    for await (const event of inspector.followEvents(ctx, deps, input, signal))
      yield tracked(String(event.id), event);
  }),
});
