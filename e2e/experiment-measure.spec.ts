import { expect, test } from "@playwright/test";
import { OWNER, signIn } from "./helpers";

test("the New experiment dialog offers the evaluators of the chosen workflow's datasets as the success measure", async ({
  page,
}) => {
  await signIn(page, OWNER, "/learning");
  await page.getByRole("button", { name: "New experiment" }).click();
  const dialog = page.getByRole("dialog", { name: "New experiment" });
  const measure = dialog.getByLabel("Success measure");
  await expect(measure).toBeDisabled();

  // The demo's "Onboarding checks" holds four evaluators.
  await dialog.getByLabel("Workflow").selectOption({ label: "Welcome a new teammate" });
  await expect(measure).toBeEnabled();
  await expect(measure.locator("optgroup")).toHaveAttribute("label", "Dataset “Onboarding checks”");
  await expect(measure.locator("option")).toHaveText([
    "Run success (the run completes)",
    "Subject names the teammate (exact-match)",
    "Body is warm (contains)",
    "Note has a subject and a body (json-schema)",
    "Body greets by name (regex)",
  ]);
  await measure.selectOption({ label: "Body is warm (contains)" });
  await expect(dialog.getByText("each run's output gets its score")).toBeVisible();

  // Another workflow starts again from run success; one without datasets says so.
  await dialog.getByLabel("Workflow").selectOption({ label: "Approve an expense" });
  await expect(measure).toHaveValue("");
  await expect(dialog.getByText("This workflow has no dataset with evaluators")).toBeVisible();
});
