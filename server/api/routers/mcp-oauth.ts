import { z } from "zod";
import * as mcpOAuth from "@/server/services/mcp-oauth";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

/** OAuth sign-ins of remote installations: status (no tokens), Connect, its callback, Disconnect. */
export const mcpOAuthRouter = router({
  status: permissionProcedure("marketplace.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => mcpOAuth.getOAuthStatus(ctx, input.id)),

  connect: permissionProcedure("server.install")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => mcpOAuth.startOAuthConnect(ctx, input.id)),

  finish: permissionProcedure("server.install")
    .input(mcpOAuth.finishInput)
    .mutation(({ ctx, input }) => mcpOAuth.finishOAuthConnect(ctx, input)),

  disconnect: permissionProcedure("server.install")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => mcpOAuth.disconnectOAuth(ctx, input.id)),
});
