import { expect, test, type Page } from "@playwright/test";
import { findWorkflow, OWNER, signIn, VIEWER } from "./helpers";

async function openRunDialog(page: Page, workflow: string) {
  await findWorkflow(page, workflow);
  await page.getByRole("button", { name: `Run ${workflow}`, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Run “${workflow}”` });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("an owner runs the offline demo workflow and watches it complete, then finds it in the list and analytics", async ({
  page,
}) => {
  await signIn(page, OWNER);
  const dialog = await openRunDialog(page, "Welcome a new teammate");
  // A required field left empty: the server's INVALID_INPUT shows on the field.
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(dialog.getByRole("alert").first()).toContainText("is required");
  await dialog.getByLabel("name", { exact: true }).fill("Ada");
  await dialog.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(
    page.getByRole("heading", { level: 1, name: "Welcome a new teammate" }),
  ).toBeVisible();
  const steps = page.getByRole("list", { name: "Steps" });
  await expect(steps.getByRole("listitem")).toHaveCount(3);
  await expect(steps.getByText("completed", { exact: true })).toHaveCount(3);
  await expect(page.getByRole("region", { name: "Run output" })).toContainText("Welcome, Ada!");
  await expect(page.getByRole("group", { name: "Timeline" }).getByRole("button")).toHaveCount(3);

  await page.getByRole("tab", { name: "debugger" }).click();
  await expect(page.getByRole("list", { name: "Events" }).getByText("run.completed")).toBeVisible();
  await page.getByRole("list", { name: "Events" }).getByRole("button").first().click();
  await expect(page.getByText("Event 1 of")).toBeVisible();

  await page.getByRole("link", { name: "Runs", exact: true }).first().click();
  const runs = page.getByRole("list", { name: "Runs", exact: true });
  await expect(runs.getByRole("link", { name: "Welcome a new teammate" }).first()).toBeVisible();
  await page.getByRole("button", { name: "completed", exact: true }).click();
  await expect(runs.getByRole("listitem").first()).toContainText("completed");

  await page
    .getByRole("navigation", { name: "Main", exact: true })
    .getByRole("link", { name: "Analytics" })
    .click();
  await expect(page.getByTestId("stat-runs")).toHaveText(/^[1-9]/);
  await expect(page.getByRole("row", { name: /Welcome a new teammate/ })).toBeVisible();
});

test("a run of an LLM workflow fails with LLM_NOT_CONFIGURED and offers a retry", async ({
  page,
}) => {
  await signIn(page, OWNER);
  const dialog = await openRunDialog(page, "Research a topic and write a brief");
  await dialog.getByLabel("topic", { exact: true }).fill("Tides");
  await dialog.getByLabel("audience", { exact: true }).fill("Sailors");
  await dialog.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(
    page.getByRole("alert").filter({ hasText: "LLM_NOT_CONFIGURED" }).first(),
  ).toBeVisible();
  await expect(page.locator("header").getByText("failed", { exact: true })).toBeVisible();
  const firstUrl = page.url();
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page).not.toHaveURL(firstUrl);
  await expect(page.getByRole("link", { name: "earlier run" })).toBeVisible();

  await page.goto("/runs");
  await page.getByRole("button", { name: "failed", exact: true }).click();
  await expect(
    page
      .getByRole("list", { name: "Runs", exact: true })
      .getByText(/LLM_NOT_CONFIGURED/)
      .first(),
  ).toBeVisible();
});

test("a viewer sees runs and analytics but no Run, Cancel or Retry", async ({ page }) => {
  await signIn(page, VIEWER);
  await findWorkflow(page, "Welcome a new teammate");
  await expect(page.getByRole("button", { name: /^Run / })).toHaveCount(0);
  await page.goto("/runs");
  const runs = page.getByRole("list", { name: "Runs", exact: true });
  await runs.getByRole("link", { name: "Research a topic and write a brief" }).first().click();
  await expect(
    page.getByRole("heading", { level: 1, name: "Research a topic and write a brief" }),
  ).toBeVisible();
  await expect(
    page.getByRole("list", { name: "Steps" }).getByText("failed", { exact: true }),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
});

test("a run waits for approval; the owner approves one and rejects another, and each goes down its branch", async ({
  page,
}) => {
  await signIn(page, OWNER);
  for (const decision of ["Approve", "Reject"] as const) {
    await page.goto("/workflows");
    const dialog = await openRunDialog(page, "Approve an expense");
    await dialog.getByLabel("item", { exact: true }).fill("Train ticket");
    await dialog.getByLabel("amount", { exact: true }).fill("89");
    await dialog.getByRole("button", { name: "Start run" }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);

    const approval = page.getByRole("group", { name: "Approval for manager" });
    await expect(approval).toContainText("Approve 89 EUR for Train ticket?");
    await approval.getByLabel("Comment").fill(decision === "Approve" ? "Fine" : "Take the bus");
    await approval.getByRole("button", { name: decision }).click();
    const output = page.getByRole("region", { name: "Run output" });
    await expect(output).toContainText(decision === "Approve" ? "booked" : "Take the bus");
    await expect(page.locator("header").getByText("completed", { exact: true })).toBeVisible();
  }
});

test("an owner cancels a running run from the run page, and the steps after it never run", async ({
  page,
}) => {
  test.slow();
  // The slow demo workflow's steps are long operations on the offline Everything MCP server.
  await signIn(page, OWNER, "/marketplace");
  // The catalog may hold thousands of synced entries (the registry spec): find it by name.
  await page.getByLabel("Search servers").fill("Everything");
  await page
    .getByRole("list", { name: "MCP servers" })
    .getByRole("link", { name: "Everything", exact: true })
    .click();
  await expect(page.getByRole("heading", { name: "Everything", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Install" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Install" }).click();
  await expect(page.getByText("Installed “everything”")).toBeVisible();

  await page.goto("/workflows");
  const dialog = await openRunDialog(page, "Process a slow batch");
  await dialog.getByLabel("name", { exact: true }).fill("March invoices");
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);

  const header = page.locator("header");
  const step = (id: string) =>
    page.getByRole("list", { name: "Steps" }).getByRole("listitem").filter({ hasText: id });
  await expect(header.getByText("running", { exact: true })).toBeVisible();
  await expect(step("collect").getByText("running", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Cancel run" }).click();

  await expect(header.getByText("cancelled", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
  // What was stored says the same after a reload: the steps after the cancelled one never started.
  await page.reload();
  await expect(header.getByText("cancelled", { exact: true })).toBeVisible();
  await expect(step("collect").getByText("completed", { exact: true })).toHaveCount(0);
  for (const later of ["crunch", "publish", "summary", "report"]) {
    await expect(step(later).getByText("pending", { exact: true })).toBeVisible();
  }
  await page.getByRole("tab", { name: "debugger" }).click();
  const events = page.getByRole("list", { name: "Events" });
  await expect(events.getByText("run.cancelled")).toBeVisible();
  await expect(events.getByText("step.started · collect")).toBeVisible();
  await expect(events.getByText(/step\.started · (crunch|publish|summary|report)/)).toHaveCount(0);
});
