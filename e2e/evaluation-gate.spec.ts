import { expect } from "@playwright/test";
import { OWNER, signIn, testWithoutConsoleErrors, trpc } from "./helpers";

/** The pages must not log errors; the refused publish is a 412 the dialog shows, which the browser logs itself. */
const test = testWithoutConsoleErrors(/status of 412/);

/** The demo's "Welcome a new teammate" (person → note → welcome), imported as a copy so the demo itself stays ungated. */
function welcomeFile(name: string) {
  return {
    format: "maestro.workflow",
    formatVersion: 1,
    name,
    description: "A copy of the demo welcome workflow; used by the publish gate e2e test",
    document: {
      version: 2,
      nodes: [
        {
          id: "person",
          kind: "input",
          position: { x: 0, y: 0 },
          config: {
            schema: {
              type: "object",
              properties: { name: { type: "string" } },
              required: ["name"],
            },
          },
        },
        {
          id: "note",
          kind: "transform",
          position: { x: 300, y: 0 },
          config: {
            template: {
              subject: "Welcome, {{input.name}}!",
              body: "Glad to have you, {{input.name}}.",
            },
          },
        },
        { id: "welcome", kind: "output", position: { x: 600, y: 0 }, config: { name: "welcome" } },
      ],
      edges: [
        { id: "e1", source: "person", target: "note" },
        { id: "e2", source: "note", target: "welcome" },
      ],
    },
  };
}

test("a publish gate refuses a worse draft with its regressions listed; an admin publishes anyway with a reason, and the audit log shows it", async ({
  page,
}) => {
  test.slow();
  const name = `Gate e2e ${Date.now()}`;
  await signIn(page, OWNER);
  await page.getByLabel("Workflow file to import").setInputFiles({
    name: "gate.workflow.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(welcomeFile(name))),
  });
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const workflowId = /\/workflows\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("v1 published")).toBeVisible();

  // A dataset whose exact-match evaluator passes on version 1, and version 1's own evaluation.
  const dataset = await trpc<{ id: string }>(
    page,
    "dataset.create",
    {
      workflowId,
      name: "Welcome checks",
      evaluators: [
        { id: "subject", kind: "exact-match", name: "Subject", outputPath: "welcome.subject" },
      ],
    },
    "mutation",
  );
  await trpc(
    page,
    "dataset.addItems",
    {
      datasetId: dataset.id,
      items: ["Ada", "Grace"].map((n) => ({
        id: n.toLowerCase(),
        input: { name: n },
        reference: `Welcome, ${n}!`,
        tags: [],
      })),
    },
    "mutation",
  );
  const base = await trpc<{ id: string }>(
    page,
    "evaluation.start",
    { datasetId: dataset.id },
    "mutation",
  );
  await expect
    .poll(
      async () =>
        (
          await trpc<{ evaluation: { status: string } }>(
            page,
            "evaluation.get",
            { id: base.id },
            "query",
          )
        ).evaluation.status,
    )
    .toBe("completed");

  // The gate, set in the publish dialog.
  await page.getByRole("button", { name: "Publish" }).click();
  const dialog = page.getByRole("dialog", { name: "Publish a version" });
  await dialog.getByText("Evaluation gate").click();
  await dialog.getByLabel("Dataset").selectOption({ label: "Welcome checks (2 items)" });
  await dialog.getByLabel("Minimum score").fill("0.9");
  await dialog.getByRole("button", { name: "Require this score" }).click();
  await expect(
    dialog.getByText(
      "Publishing evaluates the draft on “Welcome checks” (v2) and needs a score of at least 0.90.",
    ),
  ).toBeVisible();
  await page.keyboard.press("Escape");

  // A draft that greets differently: every item loses its exact match.
  const draft = await trpc<{
    document: { nodes: { id: string; config: Record<string, unknown> }[] };
    version: number;
  }>(page, "workflow.get", { id: workflowId }, "query");
  const document = {
    ...draft.document,
    nodes: draft.document.nodes.map((node) =>
      node.id === "note"
        ? { ...node, config: { template: { subject: "Hi {{input.name}}", body: "Hello." } } }
        : node,
    ),
  };
  await trpc(
    page,
    "workflow.saveDraft",
    { id: workflowId, document, baseVersion: draft.version },
    "mutation",
  );
  await page.reload();
  await expect(page.getByText("v1 published")).toBeVisible();

  await page.getByRole("button", { name: "Publish" }).click();
  await dialog.getByLabel("What changed").fill("Shorter greeting");
  await dialog.getByRole("button", { name: "Evaluate and publish" }).click();
  const refusal = dialog.getByRole("alert").filter({ hasText: "Not published" });
  await expect(refusal).toContainText("scored 0");
  await expect(refusal).toContainText("at least 0.9 is required");
  await expect(refusal).toContainText("Items that got worse since version 1:");
  const regressions = refusal.getByRole("list", { name: "Regressions" });
  await expect(regressions).toContainText("ada: 1.00 → 0.00");
  await expect(regressions).toContainText("grace: 1.00 → 0.00");
  await expect(refusal.getByRole("link", { name: "Open the evaluation" })).toHaveAttribute(
    "href",
    /^\/evaluations\/[0-9a-f-]{36}$/,
  );
  await expect(page.getByText("v1 published")).toBeVisible();

  // As an admin (the owner): publish anyway, with a reason.
  await dialog
    .getByLabel("Reason to publish anyway (kept in the audit log)")
    .fill("The shorter greeting is intended");
  await dialog.getByRole("button", { name: "Publish anyway" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("v2 published")).toBeVisible();

  await page.goto("/admin/audit");
  await page.getByLabel("Action").selectOption("workflow.publish.override");
  const row = page.getByRole("row").filter({ hasText: "workflow.publish.override" }).first();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: /^Details of workflow\.publish\.override/ }).click();
  const metadata = page.getByLabel("Metadata");
  await expect(metadata).toContainText('"reason": "The shorter greeting is intended"');
  await expect(metadata).toContainText('"score": 0');
});
