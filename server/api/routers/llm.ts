import { z } from "zod";
import {
  listLlmProviders,
  providerInput,
  removeLlmProvider,
  removeLlmProviderKey,
  saveLlmProvider,
  saveLlmProviderInput,
  setLlmPrices,
  setLlmPricesInput,
  testLlmProvider,
} from "@/server/services/llm-settings";
import { permissionProcedure, router } from "../trpc";

const byProvider = z.object({ provider: providerInput });

/** The tenant's own LLM providers. Keys are write-only: no procedure here returns one. */
export const llmRouter = router({
  list: permissionProcedure("secret.manage").query(({ ctx }) => listLlmProviders(ctx)),
  save: permissionProcedure("secret.manage")
    .input(saveLlmProviderInput)
    .mutation(({ ctx, input }) => saveLlmProvider(ctx, input)),
  removeKey: permissionProcedure("secret.manage")
    .input(byProvider)
    .mutation(({ ctx, input }) => removeLlmProviderKey(ctx, input.provider)),
  remove: permissionProcedure("secret.manage")
    .input(byProvider)
    .mutation(({ ctx, input }) => removeLlmProvider(ctx, input.provider)),
  /** Prices of the provider's models, for the cost of the runs that use them. */
  setPrices: permissionProcedure("secret.manage")
    .input(setLlmPricesInput)
    .mutation(({ ctx, input }) => setLlmPrices(ctx, input)),
  /** One real, minimal model call with the stored settings. */
  test: permissionProcedure("secret.manage")
    .input(byProvider)
    .mutation(({ ctx, input }) => testLlmProvider(ctx, input.provider)),
});
