import { z } from "zod";
import { pageInput } from "@/server/repositories/pagination";
import * as mcpAddServer from "@/server/services/mcp-add-server";
import * as mcpCatalog from "@/server/services/mcp-catalog";
import * as mcpChecks from "@/server/services/mcp-checks";
import * as mcpInstallations from "@/server/services/mcp-installations";
import * as registrySync from "@/server/services/mcp-registry-sync";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

export const mcpRouter = router({
  listCatalog: permissionProcedure("marketplace.view")
    .input(mcpCatalog.catalogQuery)
    .query(({ ctx, input }) => mcpCatalog.listCatalog(ctx, input)),

  getEntry: permissionProcedure("marketplace.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => mcpCatalog.getCatalogEntry(ctx, input.id)),

  importEntries: permissionProcedure("server.install")
    .input(mcpCatalog.importInput)
    .mutation(({ ctx, input }) => mcpCatalog.importCatalogEntries(ctx, input)),

  listRegistrySources: permissionProcedure("marketplace.view").query(({ ctx }) =>
    registrySync.listRegistrySources(ctx),
  ),

  addRegistrySource: permissionProcedure("server.install")
    .input(registrySync.addSourceInput)
    .mutation(({ ctx, input }) => registrySync.addRegistrySource(ctx, input)),

  syncRegistrySource: permissionProcedure("server.install")
    .input(z.object({ id, full: z.boolean().optional() }))
    .mutation(({ ctx, input }) => registrySync.syncRegistrySourceNow(ctx, input)),

  removeRegistrySource: permissionProcedure("server.install")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => registrySync.removeRegistrySource(ctx, input.id)),

  exportConfig: permissionProcedure("marketplace.view").query(({ ctx }) =>
    mcpCatalog.exportInstalledConfig(ctx),
  ),

  exportServerJson: permissionProcedure("marketplace.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => mcpAddServer.exportServerJson(ctx, input.id)),

  addServer: permissionProcedure("server.install")
    .input(mcpAddServer.addServerInput)
    .mutation(({ ctx, input }) => mcpAddServer.addServer(ctx, input)),

  listInstallations: permissionProcedure("marketplace.view")
    .input(pageInput.extend({ search: z.string().trim().max(120).optional() }))
    .query(({ ctx, input }) => mcpInstallations.listInstallations(ctx, input)),

  getInstallation: permissionProcedure("marketplace.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => mcpInstallations.getInstallation(ctx, input.id)),

  install: permissionProcedure("server.install")
    .input(mcpInstallations.installInput)
    .mutation(({ ctx, input }) => mcpInstallations.installServer(ctx, input)),

  updateInstallation: permissionProcedure("server.install")
    .input(mcpInstallations.updateInput)
    .mutation(({ ctx, input }) => mcpInstallations.updateInstallation(ctx, input)),

  setEnabled: permissionProcedure("server.install")
    .input(z.object({ id, enabled: z.boolean() }))
    .mutation(({ ctx, input }) => mcpInstallations.setInstallationEnabled(ctx, input)),

  uninstall: permissionProcedure("server.install")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => mcpInstallations.uninstallServer(ctx, input.id)),

  check: permissionProcedure("server.check")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => mcpChecks.checkInstallation(ctx, input.id)),

  listChecks: permissionProcedure("marketplace.view")
    .input(pageInput.extend({ installationId: id.optional(), catalogEntryId: id.optional() }))
    .query(({ ctx, input }) => mcpChecks.listChecks(ctx, input)),

  listTools: permissionProcedure("tool.run")
    .input(z.object({ id }))
    .query(({ ctx, input }) => mcpInstallations.listInstallationTools(ctx, input.id)),

  runTool: permissionProcedure("tool.run")
    .input(
      z.object({
        id,
        tool: z.string().min(1).max(200),
        args: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .mutation(({ ctx, input, signal }) => mcpInstallations.runInstallationTool(ctx, input, signal)),
});
