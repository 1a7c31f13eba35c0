import { expect } from "@playwright/test";
import { OWNER, signIn, testWithoutConsoleErrors, trpc } from "./helpers";

const test = testWithoutConsoleErrors();

test("an owner inspects the Everything server: reads a resource, gets a prompt with arguments, runs a long tool with live progress and reads the JSON-RPC history", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER, "/marketplace");
  // Installed under a name of its own: other specs install Everything too, and the catalog holds
  // thousands of synced entries, so the entry is found by searching its name.
  const name = `inspect-${Date.now().toString(36)}`;
  const { items } = await trpc<{ items: { id: string; title: string }[] }>(
    page,
    "mcp.listCatalog",
    { search: "Everything", limit: 50 },
    "query",
  );
  const entry = items.find((item) => item.title === "Everything");
  expect(entry, "the built-in Everything entry").toBeTruthy();
  await trpc(page, "mcp.install", { catalogEntryId: entry!.id, name, values: {} }, "mutation");

  await page.goto("/marketplace/installed");
  await page.getByLabel("Search installed servers").fill(name);
  await page
    .getByRole("list", { name: "Installed servers" })
    .getByRole("link", { name, exact: true })
    .click();
  await expect(page.getByRole("heading", { name, level: 1, exact: true })).toBeVisible();
  const inspector = page.getByRole("tablist", { name: "Inspector" });
  await expect(inspector).toBeVisible();
  await expect(page.getByText(/protocol \d{4}-\d{2}-\d{2}/)).toBeVisible();

  // A resource from a template, with its argument.
  await inspector.getByRole("tab", { name: "Resources" }).click();
  const template = page.getByRole("form", { name: "Template Dynamic Text Resource" });
  await template.getByLabel("resourceId").fill("42");
  await template.getByRole("button", { name: "Read" }).click();
  const contents = page.getByRole("region", { name: "Resource contents" });
  await expect(contents).toContainText("Read demo://resource/dynamic/text/42");
  await expect(contents).toContainText("Resource 42: This is a plaintext resource");

  // A prompt with a required and an optional argument.
  await inspector.getByRole("tab", { name: "Prompts" }).click();
  await page.getByLabel("Prompt", { exact: true }).selectOption("args-prompt");
  await page.getByLabel("city (required)").fill("Lisbon");
  await page.getByLabel("state", { exact: true }).fill("Estremadura");
  await page.getByRole("button", { name: "Get prompt" }).click();
  await expect(page.getByRole("region", { name: "Prompt messages" })).toContainText(
    "What's weather in Lisbon, Estremadura?",
  );

  // A long tool: progress arrives while it runs, then the result.
  await inspector.getByRole("tab", { name: "Tools" }).click();
  await page.getByLabel("Tool", { exact: true }).selectOption("trigger-long-running-operation");
  await page.getByLabel("duration", { exact: false }).first().fill("4");
  await page.getByLabel("steps", { exact: false }).first().fill("4");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByRole("progressbar", { name: "Tool progress" })).toBeVisible();
  await expect(page.getByText(/Progress [123] of 4/)).toBeVisible();
  await expect(page.getByRole("region", { name: "Result" })).toContainText(
    "Long running operation completed",
  );

  // The JSON-RPC history: the call with its duration, expandable to the request and response.
  await inspector.getByRole("tab", { name: /History/ }).click();
  const history = page.getByRole("list", { name: "JSON-RPC history" });
  const call = history.getByRole("listitem").filter({ hasText: "tools/call" }).first();
  await expect(call).toContainText(/answered in \d+ ms/);
  await call.locator("summary").click();
  await expect(call).toContainText("trigger-long-running-operation");
  await expect(call).toContainText("Response at");
  await expect(
    history.getByRole("listitem").filter({ hasText: "notifications/progress" }).first(),
  ).toBeVisible();
  await expect(
    history.getByRole("listitem").filter({ hasText: "initialize" }).first(),
  ).toBeVisible();
});
