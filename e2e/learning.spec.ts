import { expect, type Page } from "@playwright/test";
import { findWorkflow, OWNER, signIn, testWithoutConsoleErrors } from "./helpers";

/** The pages must not log errors (a React warning, a request the UI did not handle). */
const test = testWithoutConsoleErrors();

const nav = (page: Page) => page.getByRole("navigation", { name: "Main", exact: true });

/** A workflow of our own that runs offline: input → transform → output. */
function workflowFile(name: string) {
  return {
    format: "maestro.workflow",
    formatVersion: 1,
    name,
    description: "Greets someone; used by the learning e2e test",
    document: {
      version: 2,
      nodes: [
        {
          id: "in",
          kind: "input",
          position: { x: 0, y: 0 },
          config: {
            schema: { type: "object", properties: { who: { type: "string" } }, required: ["who"] },
          },
        },
        {
          id: "greet",
          kind: "transform",
          position: { x: 300, y: 0 },
          config: { template: { greeting: "Hello, {{input.who}}" } },
        },
        { id: "out", kind: "output", position: { x: 600, y: 0 }, config: { name: "greeting" } },
      ],
      edges: [
        { id: "e1", source: "in", target: "greet" },
        { id: "e2", source: "greet", target: "out" },
      ],
    },
  };
}

async function publish(page: Page, note: string, expected: string) {
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByLabel("What changed").fill(note);
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText(expected)).toBeVisible();
}

test("an owner sees the run's prediction, rates the finished run, and finds it counted on the Learning page", async ({
  page,
}) => {
  await signIn(page, OWNER);
  await findWorkflow(page, "Welcome a new teammate");
  await page.getByRole("button", { name: "Run Welcome a new teammate" }).click();
  const dialog = page.getByRole("dialog", { name: "Run “Welcome a new teammate”" });
  // Other tests may have run it before: either an estimate or the note that there is none yet.
  await expect(dialog.getByTestId("run-prediction")).toHaveText(
    /Expected: .*\d+(\.\d)? % success \(likely \d+–\d+ %\).*Based on \d+ runs? of |No history yet: the first runs of this kind teach the estimate/,
  );
  await dialog.getByLabel("name", { exact: true }).fill("Lin");
  await dialog.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").at(-1)!;
  await expect(page.locator("header").getByText("completed", { exact: true })).toBeVisible();
  // Rated at once: the outcome is stored a moment after the run ends, and the rating waits for it.
  const rating = page.getByRole("group", { name: "Rate this run" });
  await rating.getByRole("button", { name: /^4 of 5/ }).click();
  await expect(page.getByTestId("run-rating")).toContainText("Rated 4 of 5");
  await expect(rating.getByRole("button", { name: /^4 of 5/ })).toHaveAttribute(
    "aria-pressed",
    "true",
  );

  await nav(page).getByRole("link", { name: "Learning" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Learning" })).toBeVisible();
  await expect(page.getByTestId("stat-outcomes")).toHaveText(/^[1-9]/);
  const outcome = page
    .getByRole("list", { name: "Outcomes" })
    .getByTestId("outcome-row")
    .filter({ has: page.locator(`a[href="/runs/${runId}"]`) });
  await expect(outcome).toContainText("Rated 4 of 5");
  await expect(outcome).toContainText("succeeded");
  const taskClass = page.getByTestId("task-class").first();
  await expect(taskClass).toContainText("next pick");
  await expect(
    taskClass.getByRole("img", { name: /% success, 95 % interval/ }).first(),
  ).toBeVisible();
  await expect(
    page
      .getByRole("region", { name: /Success rate per pattern/ })
      .locator(".recharts-bar-rectangle")
      .first(),
  ).toBeVisible();

  await outcome.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
});

test("an owner starts an A/B experiment between two published versions, checks the dialog's validation, sends a run from the list into an arm, and stops it", async ({
  page,
}) => {
  test.slow();
  const name = `Learning A/B ${Date.now()}`;
  await signIn(page, OWNER);
  await page.getByLabel("Workflow file to import").setInputFiles({
    name: "ab.workflow.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(workflowFile(name))),
  });
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await publish(page, "First", "v1 published");
  await publish(page, "Second", "v2 published");

  await page.goto("/learning");
  await page.getByRole("button", { name: "New experiment" }).click();
  const dialog = page.getByRole("dialog", { name: "New experiment" });
  await dialog.getByRole("button", { name: "Start experiment" }).click();
  await expect(dialog.getByText("Pick a workflow")).toBeVisible();

  await dialog.getByLabel("Workflow").selectOption({ label: name });
  await expect(dialog.getByLabel("Version A")).toHaveValue(/.+/);
  await expect(dialog.getByLabel("Version A").locator("option:checked")).toHaveText("v1 · First");
  await expect(dialog.getByLabel("Version B").locator("option:checked")).toHaveText("v2 · Second");
  await expect(dialog.getByLabel("Name")).toHaveValue(`${name}: v1 vs v2`);
  await dialog.getByLabel("Version B").selectOption({ label: "v1 · First" });
  await dialog.getByRole("button", { name: "Start experiment" }).click();
  await expect(dialog.getByText("Pick two different versions")).toBeVisible();
  await dialog.getByLabel("Version B").selectOption({ label: "v2 · Second" });
  await dialog.getByLabel("Minimum runs per arm").fill("2");
  await dialog.getByRole("button", { name: "Start experiment" }).click();
  await expect(dialog.getByText("At least 5 runs per arm")).toBeVisible();
  await dialog.getByLabel("Minimum runs per arm").fill("10");
  await dialog.getByLabel("Thompson sampling").check();
  await expect(dialog.getByRole("slider", { name: "Split" })).toBeDisabled();
  await dialog.getByRole("button", { name: "Start experiment" }).click();

  await expect(page).toHaveURL(/\/learning\/experiments\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: `${name}: v1 vs v2` })).toBeVisible();
  await expect(page.getByRole("link", { name })).toHaveAttribute(
    "href",
    /\/workflows\/[0-9a-f-]{36}$/,
  );
  await expect(page.getByTestId("experiment-arm")).toHaveCount(2);
  await expect(page.getByTestId("experiment-verdict")).toContainText(
    "Waiting for 10 outcomes per arm (have 0)",
  );
  await expect(page.locator("header").getByText("running", { exact: true })).toBeVisible();
  const experimentUrl = page.url();

  // A run started from the workflows list goes to one of the experiment's arms.
  await page.goto("/workflows");
  await page.getByRole("button", { name: `Run ${name}` }).click();
  const runDialog = page.getByRole("dialog", { name: `Run “${name}”` });
  await expect(runDialog).toContainText(
    /The A\/B experiment “.*” is running: this run goes to v1 or v2/,
  );
  await runDialog.getByLabel("who", { exact: true }).fill("Ada");
  await runDialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("region", { name: "Run output" })).toContainText("Hello, Ada");
  // The run's outcome is stored by a timer a moment after the run ends, and the experiment page
  // counts it from then on: look again until it does. Each look waits for the page to show its
  // arms (slow on a busy machine) before reading them, so only the outcome is waited for.
  const arms = page.getByTestId("experiment-arm");
  await expect(async () => {
    await page.goto(experimentUrl);
    await expect(arms).toHaveCount(2);
    await expect(arms.getByText("1 (1 succeeded)")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });

  await page.getByRole("button", { name: "Stop experiment" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Stop experiment" }).click();
  await expect(page.locator("header").getByText("stopped", { exact: true })).toBeVisible();
  await expect(page.getByTestId("experiment-verdict")).toContainText("Stopped before a verdict");
  await expect(page.getByRole("button", { name: "Stop experiment" })).toHaveCount(0);

  await page.getByRole("link", { name: "Learning", exact: true }).first().click();
  const row = page
    .getByRole("list", { name: "Experiments" })
    .getByTestId("experiment-row")
    .filter({ hasText: name });
  await expect(row).toContainText("stopped");
  await expect(row).toContainText("v1 vs v2");
});
