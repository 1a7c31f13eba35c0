import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>["mcp"];
export type CatalogItem = Outputs["listCatalog"]["items"][number];
export type CatalogEntryDetail = Outputs["getEntry"];
export type RegistrySource = Outputs["listRegistrySources"][number];
export type InstallationItem = Outputs["listInstallations"]["items"][number];
export type InstallationDetail = Outputs["getInstallation"];
export type CheckReport = Outputs["check"]["report"];
export type ToolDescription = CheckReport["tools"][number];
export type ToolRunOutcome = Outputs["runTool"];

export const dateFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});

/** The error text to show: the server's message, or zod's first field error. */
export function messageOf(error: unknown): string {
  const data = (
    error as { data?: { zodError?: { fieldErrors?: Record<string, string[] | undefined> } } } | null
  )?.data;
  const field = Object.entries(data?.zodError?.fieldErrors ?? {}).find(
    ([, messages]) => messages?.length,
  );
  if (field) return `${field[0]}: ${field[1]?.[0]}`;
  return error instanceof Error ? error.message : String(error);
}
