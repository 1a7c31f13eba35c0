import { expect, test } from "@playwright/test";
import { startLocalRegistry, type RunningRegistry } from "@/server/mcp/testing/registry-server";
import { OWNER, signIn } from "./helpers";

let running: RunningRegistry;

test.beforeAll(async () => {
  running = await startLocalRegistry({ servers: 5_000, seed: 11 });
});
test.afterAll(() => running?.close());

test("an owner adds a registry as a source, syncs its 5,000 servers and finds one by search, deprecated ones marked", async ({
  page,
}) => {
  test.slow();
  const live = running.registry.liveNames.length;
  const latest = running.registry.records.filter((r) => r.meta.isLatest);
  const wanted = latest.find((r) => r.meta.status === "active")!.server;
  const deprecated = latest.find((r) => r.meta.status === "deprecated")!.server;

  await signIn(page, OWNER, "/marketplace");
  await page.getByRole("button", { name: "Registries" }).click();
  const dialog = page.getByRole("dialog", { name: "Registry sources" });
  await dialog.getByLabel("Registry URL").fill(running.url);
  await dialog.getByRole("button", { name: "Add and sync" }).click();
  await expect(page.getByText(`Synced: ${live} added, 0 updated, 0 removed`)).toBeVisible();
  const source = dialog.getByRole("list", { name: "Registry sources" }).getByRole("listitem");
  await expect(source).toContainText(running.url);
  await expect(source).toContainText(`${live} servers`);
  await expect(source).toContainText("full:");

  // Syncing again asks only for changes: nothing changed.
  await source.getByRole("button", { name: `Sync ${running.url}` }).click();
  await expect(page.getByText("Synced: 0 added, 0 updated, 0 removed")).toBeVisible();
  await page.keyboard.press("Escape");

  const servers = page.getByRole("list", { name: "MCP servers" });
  await page.getByLabel("Search servers").fill(wanted.title!);
  await expect(servers.getByRole("link", { name: wanted.title!, exact: true })).toBeVisible();
  await servers.getByRole("link", { name: wanted.title!, exact: true }).click();
  await expect(page.getByRole("heading", { name: wanted.title!, level: 1 })).toBeVisible();
  await expect(page.getByText(wanted.name, { exact: true })).toBeVisible();

  await page.goBack();
  await page.getByLabel("Search servers").fill(deprecated.title!);
  const card = servers.getByRole("link", { name: deprecated.title!, exact: true });
  await expect(card).toBeVisible();
  await expect(card.getByText("Deprecated")).toBeVisible();
});
