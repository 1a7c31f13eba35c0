import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { OWNER, signIn, VIEWER } from "./helpers";

const dir = resolve(".tmp", `e2e-mcp-${Date.now()}`);

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "quarterly-report.md"), "# Q3\n");
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("an owner browses the marketplace, installs the filesystem server for a folder, checks it and lists the folder from the tool runner", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER, "/marketplace");
  const servers = page.getByRole("list", { name: "MCP servers" });
  await expect(servers.getByRole("link", { name: "Memory" })).toBeVisible();

  // Search reaches tool names too.
  await page.getByLabel("Search servers").fill("list_directory");
  await expect(servers.getByRole("link")).toHaveCount(1);
  await servers.getByRole("link", { name: "Filesystem" }).click();

  await expect(page.getByRole("heading", { name: "Filesystem", level: 1 })).toBeVisible();
  await expect(page.getByText("installed with this app")).toBeVisible();
  await page.getByRole("button", { name: "Install" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("allowed_directory").fill(dir);
  await dialog.getByRole("button", { name: "Install" }).click();
  await expect(page.getByText("Installed “filesystem”")).toBeVisible();

  // Other tests may have installed this server under other names: this one is "filesystem".
  const installations = page
    .getByRole("list", { name: "Installations" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("link", { name: "filesystem", exact: true }) });
  await expect(installations).toHaveCount(1);
  await installations.getByRole("button", { name: "Check server" }).click();
  await expect(page.getByText(/filesystem is up/)).toBeVisible();
  await expect(installations.getByText("Up")).toBeVisible();
  await expect(
    page.getByRole("list", { name: "Tools" }).getByText("list_directory", { exact: true }),
  ).toBeVisible();

  await installations.getByRole("button", { name: "Tool runner" }).click();
  await expect(
    page.getByRole("heading", { name: "filesystem", level: 1, exact: true }),
  ).toBeVisible();
  await page.getByLabel("Tool", { exact: true }).selectOption("list_directory");
  await page.getByLabel("path", { exact: false }).first().fill(dir);
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByRole("region", { name: "Result" })).toContainText("quarterly-report.md");
  // A path outside the folder: the server refuses it, and that is the tool's answer, shown as an error.
  await page.getByLabel("path", { exact: false }).first().fill(resolve(dir, ".."));
  await page.getByRole("button", { name: "Run" }).click();
  const refused = page.getByRole("region", { name: "Result" });
  await expect(refused.getByRole("alert")).toContainText("The tool reported an error");
  await expect(refused).toContainText(/access denied/i);

  await page.goto("/marketplace/installed");
  await expect(
    page.getByRole("list", { name: "Installed servers" }).getByRole("link", { name: "filesystem" }),
  ).toBeVisible();
});

test("a viewer browses the catalog but cannot install", async ({ page }) => {
  await signIn(page, VIEWER, "/marketplace");
  await page
    .getByRole("list", { name: "MCP servers" })
    .getByRole("link", { name: "GitHub" })
    .click();
  await expect(page.getByRole("heading", { name: "GitHub", level: 1, exact: true })).toBeVisible();
  await expect(page.getByText(/Needs internet access \(or an online account\)/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Install" })).toBeDisabled();
});
