import { expect, test } from "@playwright/test";
import { OWNER, signIn } from "./helpers";

// Other specs may have installed servers under other names: this one has a name of its own.
const name = `everything-${Date.now().toString(36)}`;

test("an owner adds a server by its npm package, checks it, and exports it as server.json", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER, "/marketplace");
  await page.getByRole("button", { name: "Add server" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a server" });
  await expect(dialog.getByRole("tab", { name: "npm package" })).toHaveAttribute(
    "aria-selected",
    "true",
  );

  // Mistakes are named on their fields before anything is sent.
  await dialog.getByLabel("Server name").fill("Everything Server");
  await dialog.getByRole("button", { name: "Add server" }).click();
  await expect(dialog.getByText(/Lower-case letters, digits/)).toBeVisible();
  await expect(dialog.getByText("Give the package's name")).toBeVisible();

  await dialog.getByLabel("Server name").fill(name);
  await dialog.getByLabel("npm package").fill("@modelcontextprotocol/server-everything");
  await dialog.getByLabel("Version (optional)").fill("2026.8.31");
  await dialog.getByRole("button", { name: "Add variable" }).click();
  await dialog.getByLabel("Variable 1 name").fill("API_KEY");
  await dialog.getByLabel("Variable 1 value").fill("sk-e2e-secret");
  await dialog.getByLabel("Secret").check();
  await dialog.getByRole("button", { name: "Add server" }).click();

  // Added and installed: its page opens.
  await expect(page.getByText(`Added “${name}”`)).toBeVisible();
  await expect(page.getByRole("heading", { name, level: 1, exact: true })).toBeVisible();
  await expect(page.getByText("set (hidden)")).toBeVisible();

  await page.getByRole("button", { name: "Check server" }).click();
  await expect(page.getByText(`${name} is up`)).toBeVisible();

  await page.getByRole("button", { name: "server.json" }).click();
  const exported = page.getByRole("dialog", { name: "This server as server.json" });
  const file = exported.getByLabel("server.json");
  await expect(file).toContainText('"registryType": "npm"');
  await expect(file).toContainText('"identifier": "@modelcontextprotocol/server-everything"');
  await expect(file).toContainText('"version": "2026.8.31"');
  await expect(file).toContainText("2025-12-11/server.schema.json");
  await expect(file).not.toContainText("sk-e2e-secret");
  const download = page.waitForEvent("download");
  await exported.getByRole("button", { name: "Download" }).click();
  expect((await download).suggestedFilename()).toBe("server.json");
});

test("the JSON way stays: an owner imports a Cursor-style url entry from the Add server dialog", async ({
  page,
}) => {
  await signIn(page, OWNER, "/marketplace");
  await page.getByRole("button", { name: "Add server" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a server" });
  await dialog.getByRole("tab", { name: "Import config" }).click();
  await dialog.getByLabel(/VS Code config/).fill(
    JSON.stringify({
      mcpServers: {
        [`docs-${name}`]: { url: "https://mcp.example.com/mcp" },
        local: { command: "./my-server" },
      },
    }),
  );
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog.getByRole("status")).toContainText("Imported 1; skipped:");
  await expect(dialog.getByRole("status")).toContainText("MCP_ALLOWED_COMMANDS");
});
