import { expect, test } from "@playwright/test";
import { OWNER, signIn, VIEWER } from "./helpers";

test("an owner creates, renames and deletes a workflow; a duplicate name is refused on the field", async ({
  page,
}) => {
  const name = `Weekly digest ${Date.now()}`;
  await signIn(page, OWNER);
  await page.getByRole("button", { name: "New workflow" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description").fill("Collects the week's news");
  await page.getByRole("button", { name: "Create" }).click();
  // A new workflow opens on the canvas.
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await page.getByRole("link", { name: "Back to workflows" }).click();
  const list = page.getByRole("list", { name: "Workflows" });
  await expect(list.getByText(name)).toBeVisible();

  await page.getByRole("button", { name: "New workflow" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("already exists");
  await page.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Rename…" }).click();
  await page.getByLabel("Name", { exact: true }).fill(`${name} (renamed)`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(list.getByText(`${name} (renamed)`)).toBeVisible();

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: `Actions for ${name} (renamed)` }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await expect(list.getByText(`${name} (renamed)`)).toHaveCount(0);

  await page
    .getByRole("navigation", { name: "Main", exact: true })
    .getByRole("link", { name: "Admin" })
    .click();
  await page
    .getByRole("navigation", { name: "Admin sections" })
    .getByRole("link", { name: "Audit log" })
    .click();
  await expect(page.getByRole("cell", { name: "workflow.delete" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "auth.signin.success" }).first()).toBeVisible();
});

test("a viewer sees workflows but cannot create one, nor open the audit log", async ({ page }) => {
  await signIn(page, VIEWER);
  // Other specs' workflows come first in the list (newest first): find the demo by name.
  await page.getByLabel("Search workflows").fill("Research a topic");
  await expect(page.getByText("Research a topic and write a brief")).toBeVisible();
  await expect(page.getByRole("button", { name: "New workflow" })).toBeDisabled();
  await expect(page.getByRole("button", { name: /Actions for/ })).toHaveCount(0);
  await page
    .getByRole("navigation", { name: "Main", exact: true })
    .getByRole("link", { name: "Admin" })
    .click();
  // Members are visible to every role; the audit log is not even offered, and refused when asked for.
  const tabs = page.getByRole("navigation", { name: "Admin sections" });
  await expect(tabs.getByRole("link", { name: "Members" })).toBeVisible();
  await expect(tabs.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await page.goto("/admin/audit");
  await expect(page.getByText("Admins only")).toBeVisible();
});

test("an owner pauses a workflow from the list, sees why on its canvas, and resumes it there", async ({
  page,
}) => {
  const name = `Pausable ${Date.now()}`;
  await signIn(page, OWNER);
  await page.getByRole("button", { name: "New workflow" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await page.getByRole("link", { name: "Back to workflows" }).click();

  const row = page
    .getByRole("list", { name: "Workflows" })
    .getByRole("listitem")
    .filter({ hasText: name });
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Pause runs" }).click();
  await expect(row.getByText("Paused", { exact: true })).toBeVisible();

  await row.getByRole("link", { name }).click();
  const banner = page.getByRole("status").filter({ hasText: "New runs are refused" });
  await expect(banner).toContainText("Paused by Dana Owner");
  await banner.getByRole("button", { name: "Resume" }).click();
  await expect(banner).toHaveCount(0);
  await page.getByRole("link", { name: "Back to workflows" }).click();
  await expect(page.getByRole("list", { name: "Workflows" }).getByText(name)).toBeVisible();
  await expect(row.getByText("Paused", { exact: true })).toHaveCount(0);
});
