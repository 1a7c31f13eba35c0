import { expect, test } from "@playwright/test";
import { findWorkflow, OWNER, signIn } from "./helpers";

test("an owner re-runs one step of a finished run with edited inputs and sees the new output beside the old, with what changed", async ({
  page,
}) => {
  await signIn(page, OWNER);
  await findWorkflow(page, "Welcome a new teammate");
  await page.getByRole("button", { name: "Run Welcome a new teammate" }).click();
  const dialog = page.getByRole("dialog", { name: "Run “Welcome a new teammate”" });
  await dialog.getByLabel("name", { exact: true }).fill("Ada");
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("region", { name: "Run output" })).toContainText("Welcome, Ada!");

  await page.getByRole("list", { name: "Steps" }).getByRole("button", { name: /^note/ }).click();
  const detail = page.getByRole("region", { name: "Step note" });
  await detail.getByRole("button", { name: "Re-run this step" }).click();
  const editor = detail.getByLabel(/^Inputs/);
  await expect(editor).toHaveValue(/"name": "Ada"/);

  // Not JSON: said so, nothing runs.
  await editor.fill("{ not json");
  await detail.getByRole("button", { name: "Run this step" }).click();
  await expect(detail.getByRole("alert")).toContainText("Not valid inputs");

  await editor.fill(
    JSON.stringify({ input: { name: "Grace" }, steps: { person: { name: "Grace" } } }, null, 2),
  );
  await editor.press("Control+Enter");
  await expect(detail.getByLabel("Output of the re-run")).toContainText("Welcome, Grace!");
  await expect(detail.getByLabel("Output in the run")).toContainText("Welcome, Ada!");
  const changes = detail.getByRole("list", { name: "Changes" });
  await expect(changes.getByRole("listitem")).toHaveCount(2);
  await expect(changes).toContainText("subject");
  await expect(changes).toContainText("body");

  // The run itself is as it was.
  await page.reload();
  await expect(page.getByRole("region", { name: "Run output" })).toContainText("Welcome, Ada!");
});
