import { expect, test } from "@playwright/test";
import { OWNER, signIn } from "./helpers";

test("a past run of the demo's history opens as a finished run: its steps, the failed one's error, and its events in the debugger", async ({
  page,
}) => {
  await signIn(page, OWNER);
  await page.goto("/runs");
  // The demo's scheduled slow batch failed at first: its server was not installed yet.
  await page.getByLabel("Trigger").selectOption("schedule");
  await page.getByRole("group", { name: "Status" }).getByRole("button", { name: "failed" }).click();
  const runs = page.getByRole("list", { name: "Runs", exact: true });
  await runs.getByRole("link", { name: "Process a slow batch" }).last().click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Process a slow batch" })).toBeVisible();
  const steps = page.getByRole("list", { name: "Steps" });
  await expect(steps.getByText("completed", { exact: true })).toHaveCount(1); // its input
  await expect(steps.getByText("failed", { exact: true })).toHaveCount(1);
  await expect(
    page.getByText(/No MCP server named "everything" is installed/).first(),
  ).toBeVisible();

  // The step debugger steps through the run's stored events, from queued to failed.
  await page.getByRole("tab", { name: "debugger" }).click();
  const events = page.getByRole("list", { name: "Events" });
  await expect(events.getByRole("listitem").first()).toContainText("run.queued");
  await expect(events.getByRole("listitem").last()).toContainText("run.failed");
  await expect(events).toContainText("step.failed · collect");
});
