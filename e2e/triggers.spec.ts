import { createHmac } from "node:crypto";
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHTTPTransport,
} from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, test, type Page } from "@playwright/test";
import { findWorkflow, OWNER, signIn } from "./helpers";

/** Duplicates the offline demo and opens the copy's canvas: this test's own workflow. */
async function openCopyOfDemo(page: Page): Promise<string> {
  await signIn(page, OWNER);
  await findWorkflow(page, "Welcome a new teammate");
  await page
    .getByRole("button", { name: "Actions for Welcome a new teammate", exact: true })
    .click();
  await page.getByRole("menuitem", { name: "Duplicate" }).click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText("Welcome a new teammate");
  return (await heading.textContent())!.trim();
}

test("an owner adds a signed webhook on the canvas, a sender calls it, and the run appears live on the Runs page as a webhook run", async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  test.slow();
  const workflowName = await openCopyOfDemo(page);

  await page.getByRole("button", { name: "Triggers" }).click();
  const dialog = page.getByRole("dialog", { name: "Triggers" });
  await expect(dialog.getByRole("tab", { name: "Webhooks" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await expect(dialog.getByText("No webhooks yet")).toBeVisible();
  await dialog.getByRole("button", { name: "Add webhook" }).click();
  const form = dialog.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill("Signup form");
  await form.getByLabel("Runs").selectOption("draft");
  await form.getByLabel("Answers").selectOption("wait");
  await form.getByRole("button", { name: "Add webhook" }).click();

  // The secret is shown once; the sender signs each body with it.
  const shown = page.getByRole("dialog", { name: "Copy the webhook's secret" });
  const secret = await shown.getByLabel("Webhook secret").inputValue();
  expect(secret).toMatch(/^whsec_/);
  await page.keyboard.press("Escape");
  const card = dialog.getByRole("listitem", { name: "Webhook Signup form" });
  const url = /https?:\/\/\S+\/api\/hooks\/[A-Za-z0-9_-]{32}/.exec(
    (await card.textContent()) ?? "",
  )?.[0];
  expect(url).toBeTruthy();
  const path = new URL(url!).pathname;

  // Someone watches the Runs page, filtered to webhook runs, while the sender calls.
  const watcher = await browser.newPage({ baseURL });
  await signIn(watcher, OWNER, "/runs");
  await watcher.getByRole("combobox", { name: "Trigger" }).selectOption("webhook");
  const runs = watcher.getByRole("list", { name: "Runs", exact: true });

  const body = JSON.stringify({ name: "Ada" });
  const unsigned = await request.post(path, {
    headers: { "content-type": "application/json" },
    data: body,
  });
  expect(unsigned.status()).toBe(401);
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const answer = await request.post(path, {
    headers: { "content-type": "application/json", "x-hub-signature-256": signature },
    data: body,
  });
  expect(answer.status()).toBe(200);
  // A webhook in "wait" mode answers with the run's output, and says where the run is.
  expect(await answer.json()).toMatchObject({ welcome: { subject: "Welcome, Ada!" } });
  const runId = /\/api\/v1\/runs\/([0-9a-f-]{36})$/.exec(answer.headers()["location"] ?? "")?.[1];
  expect(runId).toBeTruthy();

  // Without reloading, the watcher sees the run arrive, marked as started by a webhook.
  const row = runs
    .getByRole("listitem")
    .filter({ has: watcher.getByRole("link", { name: workflowName }) });
  await expect(row).toBeVisible();
  await expect(row.locator('[data-trigger="webhook"]').filter({ visible: true })).toHaveCount(1);
  await row.getByRole("link", { name: workflowName }).click();
  await expect(watcher).toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(watcher.getByText("Webhook").first()).toBeVisible();
  await watcher.close();
});

test("an owner exposes a published workflow as an MCP tool, and an MCP client lists and calls it with an API token", async ({
  page,
  baseURL,
}) => {
  test.slow();
  await openCopyOfDemo(page);
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByLabel("What changed").fill("For MCP clients");
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("v1 published")).toBeVisible();

  await page.getByRole("button", { name: "Triggers" }).click();
  const dialog = page.getByRole("dialog", { name: "Triggers" });
  await dialog.getByRole("tab", { name: "MCP tool" }).click();
  // The switch turns on once the server has exposed the tool.
  await dialog.getByRole("switch", { name: /Expose as an MCP tool/ }).click();
  await expect(dialog.getByRole("switch", { name: /Expose as an MCP tool/ })).toBeChecked();
  const toolName = `welcome_${Date.now().toString(36)}`;
  await dialog.getByLabel("Tool name").fill(toolName);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText(/"url": ".*\/api\/mcp"/).first()).toBeVisible();

  // An API token for the client, made as the owner (the tokens page has its own test).
  // With the page's session cookie, so from the app's own origin as the browser would send it.
  const made = await page.request.post("/api/trpc/token.create", {
    headers: { origin: new URL(baseURL!).origin },
    data: {
      json: { name: `MCP ${toolName}`, scopes: ["runs:write"], expiry: { in: "days", days: 7 } },
    },
  });
  expect(made.status()).toBe(200);
  const token = ((await made.json()) as { result: { data: { json: { secret: string } } } }).result
    .data.json.secret;

  const client = new Client({ name: "e2e", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("/api/mcp", baseURL), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  try {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === toolName);
    expect(tool?.inputSchema).toMatchObject({
      type: "object",
      properties: { name: expect.any(Object) },
    });
    const result = await client.callTool({ name: toolName, arguments: { name: "Grace" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ welcome: { subject: "Welcome, Grace!" } });
  } finally {
    await client.close();
  }

  // A 2026-07-28 client on the same endpoint: listing, a call with progress, and a listen stream.
  const modern = new ModernClient(
    { name: "e2e-2026", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await modern.connect(
    new ModernHTTPTransport(new URL("/api/mcp", baseURL), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  try {
    expect((await modern.listTools()).tools.map((t) => t.name)).toContain(toolName);
    const progress: number[] = [];
    const result = await modern.callTool(
      { name: toolName, arguments: { name: "Lin" } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(result.structuredContent).toMatchObject({ welcome: { subject: "Welcome, Lin!" } });
    expect(progress.length).toBeGreaterThan(0);
    const subscription = await modern.listen({ toolsListChanged: true });
    expect(subscription.honoredFilter).toEqual({ toolsListChanged: true });
    await subscription.close();
  } finally {
    await modern.close();
  }
});
