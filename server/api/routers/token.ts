import { z } from "zod";
import { pageInput } from "@/server/repositories/pagination";
import * as apiTokens from "@/server/services/api-tokens";
import { permissionProcedure, router } from "../trpc";

export const tokenRouter = router({
  /** The scopes a token may be given, with what each allows, for the create form. */
  scopes: permissionProcedure("token.manage").query(() => apiTokens.listTokenScopes()),

  list: permissionProcedure("token.manage")
    .input(pageInput)
    .query(({ ctx, input }) => apiTokens.listApiTokens(ctx, input)),

  /** Answers with the secret, this once; it is stored only as a hash. */
  create: permissionProcedure("token.manage")
    .input(apiTokens.createTokenInput)
    .mutation(({ ctx, input }) => apiTokens.createApiToken(ctx, input)),

  revoke: permissionProcedure("token.manage")
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => apiTokens.revokeApiToken(ctx, input.id)),
});
