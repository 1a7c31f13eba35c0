import { expect, type Page } from "@playwright/test";
import { startFakeOpenAiServer } from "@/server/llm/testing/fake-openai-server";
import {
  OWNER,
  removeTenantModel,
  setUpTenantModel,
  signIn,
  testWithoutConsoleErrors,
  trpc,
} from "./helpers";

/** The pages must not log errors (a React warning, a request the UI did not handle). */
const test = testWithoutConsoleErrors();

/** A workflow of our own that runs offline: input → transform → output (or input → the tenant's model → output). */
function workflowFile(name: string, step: "transform" | "llm" = "transform") {
  const middle =
    step === "transform"
      ? {
          id: "greet",
          kind: "transform",
          position: { x: 300, y: 0 },
          config: { template: { text: "Hello, {{input.who}}" } },
        }
      : {
          id: "greet",
          kind: "llm",
          position: { x: 300, y: 0 },
          config: { prompt: "Greet {{input.who}} in five words" },
        };
  return {
    format: "maestro.workflow",
    formatVersion: 1,
    name,
    description: "Greets someone; used by the evaluations e2e test",
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
        middle,
        { id: "out", kind: "output", position: { x: 600, y: 0 }, config: { name: "greeting" } },
      ],
      edges: [
        { id: "e1", source: "in", target: "greet" },
        { id: "e2", source: "greet", target: "out" },
      ],
    },
  };
}

async function runWorkflow(page: Page, name: string, who: string): Promise<string> {
  await page.goto("/workflows");
  await page.getByRole("button", { name: `Run ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Run “${name}”` });
  await dialog.getByLabel("who", { exact: true }).fill(who);
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.locator("header").getByText("completed", { exact: true })).toBeVisible();
  return page.url().split("/").at(-1)!;
}

async function startEvaluation(page: Page, versionLabel: string): Promise<string> {
  await page.getByRole("button", { name: "Run evaluation" }).click();
  const dialog = page.getByRole("dialog", { name: "Run an evaluation" });
  await dialog.getByLabel("Workflow version").selectOption({ label: versionLabel });
  await dialog.getByLabel("Runs at once").fill("2");
  await dialog.getByRole("button", { name: "Start evaluation" }).click();
  await expect(page).toHaveURL(/\/evaluations\/[0-9a-f-]{36}$/);
  return page.url().split("/").at(-1)!;
}

test("an editor adds a run to a new dataset, evaluates two versions, opens each evaluation, compares them with the regression first, sees why a stopped evaluation stopped, and is told when two evaluations ran different dataset versions", async ({
  page,
}) => {
  test.slow();
  const name = `Evaluations e2e ${Date.now()}`;
  await signIn(page, OWNER);
  await page.getByLabel("Workflow file to import").setInputFiles({
    name: "eval.workflow.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(workflowFile(name))),
  });
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const workflowId = /\/workflows\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByLabel("What changed").fill("Hello");
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("v1 published")).toBeVisible();

  // A finished run into a new dataset, its output kept as the reference.
  const runId = await runWorkflow(page, name, "Ada");
  await page.getByRole("button", { name: "Add to dataset" }).click();
  const add = page.getByRole("dialog", { name: "Add this run to a dataset" });
  await expect(add.getByLabel("Dataset", { exact: true })).toHaveValue("__new__"); // the workflow has none yet
  await add.getByRole("button", { name: "Add to dataset" }).click();
  await expect(add.getByText("Name the new dataset")).toBeVisible();
  await add.getByLabel("New dataset's name").fill("Greetings");
  await expect(add.getByLabel("Keep the output as the reference")).toBeChecked();
  await add.getByLabel("Tags (comma-separated, optional)").fill("from a run, e2e");
  await add.getByRole("button", { name: "Add to dataset" }).click();
  await expect(add).toBeHidden();
  await expect(page.getByText("Added to “Greetings” (version 2)")).toBeVisible();
  await page.getByRole("button", { name: "Open dataset" }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflowId}/datasets/[0-9a-f-]{36}$`));
  const datasetId = page.url().split("/").at(-1)!;
  const items = page.getByRole("table", { name: "Items" });
  await expect(items.getByRole("row").filter({ hasText: '{"who":"Ada"}' })).toContainText(
    "Hello, Ada",
  );

  // Through the API: an item whose reference neither version gives (it scores 0 on both), and an
  // exact-match evaluator; then a second version whose transform greets differently.
  await trpc(
    page,
    "dataset.addItems",
    {
      datasetId,
      items: [
        {
          id: "0-zed",
          input: { who: "Zed" },
          reference: { greeting: { text: "Bonjour, Zed" } },
          tags: [],
        },
      ],
    },
    "mutation",
  );
  await trpc(
    page,
    "dataset.setEvaluators",
    { datasetId, evaluators: [{ id: "same", kind: "exact-match", name: "Same greeting" }] },
    "mutation",
  );
  const draft = await trpc<{
    document: { nodes: { id: string; config: Record<string, unknown> }[] };
    version: number;
  }>(page, "workflow.get", { id: workflowId }, "query");
  const document = {
    ...draft.document,
    nodes: draft.document.nodes.map((node) =>
      node.id === "greet" ? { ...node, config: { template: { text: "Hi {{input.who}}" } } } : node,
    ),
  };
  await trpc(
    page,
    "workflow.saveDraft",
    { id: workflowId, document, baseVersion: draft.version },
    "mutation",
  );
  await trpc(page, "workflow.publish", { workflowId, note: "Hi" }, "mutation");

  // Version 1: Ada matches her reference, Zed does not.
  await page.reload();
  const first = await startEvaluation(page, "v1 · Hello");
  await expect(
    page.getByRole("heading", { level: 1, name: `Evaluation of ${name}` }),
  ).toBeVisible();
  await expect(page.locator("header").getByText("completed", { exact: true })).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Items finished" })).toHaveAttribute(
    "aria-valuenow",
    "2",
  );
  await expect(page.getByTestId("evaluation-score")).toHaveText(
    /^0\.50 \(95% CI 0\.\d\d–\d\.\d\d\)$/,
  );
  await expect(page.getByRole("table", { name: "Scores by evaluator" })).toContainText(
    "Same greeting",
  );
  const firstItems = page.getByRole("table", { name: "Evaluation items" });
  await expect(firstItems.getByRole("row")).toHaveCount(3);
  await expect(firstItems.getByRole("row").filter({ hasText: '{"who":"Ada"}' })).toContainText(
    "1.00",
  );
  await page.getByLabel("Failing only").check();
  await expect(firstItems.getByRole("row")).toHaveCount(2);
  await expect(firstItems).toContainText('{"who":"Zed"}');

  // Version 2, started from the dataset page the evaluation links back to.
  await page.getByRole("link", { name: "Greetings: datasets and evaluations" }).click();
  await expect(page).toHaveURL(`/workflows/${workflowId}/datasets/${datasetId}`);
  const second = await startEvaluation(page, "v2 · Hi");
  await expect(page.locator("header").getByText("completed", { exact: true })).toBeVisible();
  await expect(page.getByTestId("evaluation-score")).toHaveText(/^0\.00/);
  const secondItems = page.getByRole("table", { name: "Evaluation items" });
  const adaRow = secondItems.getByRole("row").filter({ hasText: '{"who":"Ada"}' });
  await expect(adaRow).toContainText("Hi Ada");
  await expect(adaRow).toContainText("Same greeting 0.00");
  // Each item links to its run, which links back to the evaluation.
  await adaRow.getByRole("link", { name: "Open run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  expect(page.url()).not.toContain(runId);
  await page.locator("header").getByRole("link", { name: "Evaluation" }).click();
  await expect(page).toHaveURL(`/evaluations/${second}`);

  // The workflow's evaluations, across its datasets.
  await page.getByRole("link", { name: "All evaluations of the workflow" }).click();
  await expect(page).toHaveURL(`/workflows/${workflowId}/evaluations`);
  await expect(page.getByRole("heading", { level: 1, name: "Evaluations" })).toBeVisible();
  await expect(
    page
      .getByRole("table", { name: "Evaluations" })
      .getByRole("row")
      .filter({ hasText: "Greetings v3" }),
  ).toHaveCount(2);
  await page.goto(`/evaluations/${second}`);

  // The dataset's evaluations: pick both and compare.
  await page.getByRole("link", { name: "Greetings: datasets and evaluations" }).click();
  const list = page.getByRole("table", { name: "Evaluations" });
  await expect(list.getByRole("row")).toHaveCount(3);
  const firstRow = list
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: "v1", exact: true }) });
  await expect(firstRow).toContainText("0.50");
  await expect(firstRow).toContainText("2 / 2");
  await expect(firstRow).toContainText("v3"); // the dataset version: created (1), the run (2), Zed (3)
  await list.getByRole("checkbox", { name: /^Pick v1 on Greetings/ }).check();
  await list.getByRole("checkbox", { name: /^Pick v2 on Greetings/ }).check();
  await page.getByRole("link", { name: "Compare", exact: true }).click();
  await expect(page).toHaveURL(`/evaluations/compare?base=${first}&candidate=${second}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Compare: v1 → v2");
  const aggregates = page.getByRole("table", { name: "Aggregates" });
  await expect(
    aggregates.getByRole("row").filter({ hasText: "Score (95% interval)" }),
  ).toContainText("−0.50");
  const changes = page.getByRole("table", { name: "Item changes" });
  const rows = changes.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  // Zed's id sorts first, yet the regression comes first.
  await expect(rows.first()).toHaveAttribute("data-change", "regressed");
  await expect(rows.first()).toContainText('{"who":"Ada"}');
  await expect(rows.first()).toContainText("Same greeting: 1.00 → 0.00");
  await expect(rows.nth(1)).toHaveAttribute("data-change", "unchanged");
  await expect(rows.first().getByRole("link", { name: "Base run" })).toHaveAttribute(
    "href",
    /\/runs\/[0-9a-f-]{36}$/,
  );
  await expect(rows.first().getByRole("link", { name: "Candidate run" })).toHaveAttribute(
    "href",
    /\/runs\/[0-9a-f-]{36}$/,
  );
  await expect(page.getByText("1 regressed")).toBeVisible();

  // An evaluation whose runs are refused stops with the reason and says what it kept.
  await trpc(
    page,
    "workflow.pause",
    { id: workflowId, reason: "kept still by the e2e test" },
    "mutation",
  );
  await page.goto(`/workflows/${workflowId}/datasets/${datasetId}`);
  await startEvaluation(page, "v2 · Hi");
  await expect(page.locator("header").getByText("failed", { exact: true })).toBeVisible();
  const stopped = page.getByRole("alert").filter({ hasText: "The evaluation stopped early" });
  await expect(stopped).toContainText("is paused (kept still by the e2e test)");
  await expect(stopped).toContainText("The 0 of 2 items it finished are kept");
  await expect(page.getByText("No item finished.")).toBeVisible();
  await trpc(page, "workflow.resume", { id: workflowId }, "mutation");

  // A new item makes dataset version 4: an evaluation of it does not compare with one of version 3, and the page says why.
  await trpc(
    page,
    "dataset.addItems",
    {
      datasetId,
      items: [
        {
          id: "1-eve",
          input: { who: "Eve" },
          reference: { greeting: { text: "Hi Eve" } },
          tags: [],
        },
      ],
    },
    "mutation",
  );
  await page.goto(`/workflows/${workflowId}/datasets/${datasetId}`);
  const third = await startEvaluation(page, "v2 · Hi");
  await expect(page.locator("header").getByText("completed", { exact: true })).toBeVisible();
  await page.goto(`/evaluations/compare?base=${first}&candidate=${third}`);
  const refused = page
    .getByRole("alert")
    .filter({ hasText: "These evaluations used different dataset versions" });
  await expect(refused).toContainText("The base ran Greetings v3 and the candidate Greetings v4");
});

test("an editor cancels a running evaluation after confirming it, and the page says what was kept (model: fake OpenAI-compatible server on loopback holding every answer)", async ({
  page,
}) => {
  test.slow();
  const llm = await startFakeOpenAiServer({ hold: () => true });
  try {
    await setUpTenantModel(page, llm.baseURL);
    const name = `Evaluations cancel e2e ${Date.now()}`;
    await page.goto("/workflows");
    await page.getByLabel("Workflow file to import").setInputFiles({
      name: "held.workflow.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(workflowFile(name, "llm"))),
    });
    await expect(page.getByRole("heading", { name })).toBeVisible();
    const workflowId = /\/workflows\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    const dataset = await trpc<{ id: string }>(
      page,
      "dataset.create",
      {
        workflowId,
        name: "Held",
        evaluators: [{ id: "hello", kind: "contains", values: ["Hello"] }],
      },
      "mutation",
    );
    await trpc(
      page,
      "dataset.addItems",
      { datasetId: dataset.id, items: [{ input: { who: "Ada" } }, { input: { who: "Bo" } }] },
      "mutation",
    );

    // Never published: the draft is what it evaluates.
    await page.goto(`/workflows/${workflowId}/datasets/${dataset.id}`);
    await page.getByRole("button", { name: "Run evaluation" }).click();
    const dialog = page.getByRole("dialog", { name: "Run an evaluation" });
    await expect(dialog.getByLabel("Workflow version")).toHaveValue("draft");
    await dialog.getByRole("button", { name: "Start evaluation" }).click();
    await expect(page).toHaveURL(/\/evaluations\/[0-9a-f-]{36}$/);
    await expect(page.locator("header").getByText("running", { exact: true })).toBeVisible();
    await expect(page.getByText("0 / 2 items finished (0%) · updating live")).toBeVisible();
    await expect.poll(() => llm.received.length).toBe(2); // both items wait for the model

    // Dismissed, nothing happens; confirmed, it stops.
    page.once("dialog", (confirm) => void confirm.dismiss());
    await page.getByRole("button", { name: "Cancel evaluation" }).click();
    await expect(page.locator("header").getByText("running", { exact: true })).toBeVisible();
    page.once("dialog", (confirm) => {
      expect(confirm.message()).toContain("the items it finished are kept");
      void confirm.accept();
    });
    await page.getByRole("button", { name: "Cancel evaluation" }).click();
    await expect(page.locator("header").getByText("cancelled", { exact: true })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Cancelled:" })).toContainText(
      "the 0 of 2 items finished before the cancel are kept",
    );
    await expect(page.getByRole("button", { name: "Cancel evaluation" })).toHaveCount(0);
    await removeTenantModel(page);
  } finally {
    await llm.close();
  }
});
