import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { OWNER, signIn, trpc } from "./helpers";

/**
 * A run's tool step whose server asks the person (MCP elicitation, form mode): the run waits, the
 * question shows under Runs → Approvals with a form from the server's schema, an answer that does
 * not fit is refused on the spot, and the answer sent lets the run finish with what the server made
 * of it. The server is the SDK test server server/mcp/testing/elicit-server.mjs, started with
 * `node` (allowed for the e2e app by MCP_ALLOWED_COMMANDS in playwright.config.ts).
 */

const SERVER_SCRIPT = join(__dirname, "..", "server", "mcp", "testing", "elicit-server.mjs");

const orderFile = (server: string) => ({
  format: "maestro.workflow",
  formatVersion: 1,
  name: "Order with a question",
  description: "A tool step whose server asks who orders",
  document: {
    version: 2,
    nodes: [
      {
        id: "start",
        kind: "input",
        position: { x: 0, y: 0 },
        config: { schema: { type: "object", properties: {} } },
      },
      {
        id: "order",
        kind: "tool",
        position: { x: 300, y: 0 },
        config: { server, tool: "ask-form", args: {} },
      },
      { id: "result", kind: "output", position: { x: 600, y: 0 }, config: { name: "result" } },
    ],
    edges: [
      { id: "e1", source: "start", target: "order" },
      { id: "e2", source: "order", target: "result" },
    ],
  },
});

test("a run waits for a tool's question, answered in the approvals inbox, and goes on with the answer", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER, "/marketplace/installed");
  const name = `asks-${Date.now().toString(36)}`;
  const imported = await trpc<{ imported: { id: string }[] }>(
    page,
    "mcp.importEntries",
    {
      kind: "mcp-servers",
      text: JSON.stringify({ mcpServers: { [name]: { command: "node", args: [SERVER_SCRIPT] } } }),
    },
    "mutation",
  );
  await trpc(
    page,
    "mcp.install",
    { catalogEntryId: imported.imported[0]!.id, name, values: {} },
    "mutation",
  );
  const workflow = await trpc<{ id: string }>(
    page,
    "workflow.import",
    { file: orderFile(name), name: `Order ${name}` },
    "mutation",
  );
  const run = await trpc<{ id: string }>(
    page,
    "run.start",
    { workflowId: workflow.id, draft: true, input: {} },
    "mutation",
  );

  // The run page shows the waiting step's question.
  await page.goto(`/runs/${run.id}`);
  await expect(
    page.getByRole("region", { name: "Questions from tools" }).getByRole("region", {
      name: `Question from ${name}`,
    }),
  ).toContainText("Who is ordering?");

  await page.goto("/runs/approvals");
  const questions = page.getByRole("region", { name: "Questions from tools" });
  const question = questions.getByRole("region", { name: `Question from ${name}` });
  await expect(question).toContainText("Who is ordering?");
  await expect(questions.getByRole("link", { name: `Order ${name}` })).toBeVisible();
  // The default is filled in; a required field left empty and a number out of range are refused.
  await expect(question.getByLabel("Count *")).toHaveValue("1");
  await question.getByLabel("Count *").fill("9");
  await question.getByRole("button", { name: "Accept" }).click();
  await expect(question.getByRole("alert")).toContainText('"Name" is required');
  await expect(question.getByRole("alert")).toContainText('"Count" must be at most 5');

  await question.getByLabel("Name *").fill("Ada");
  await question.getByLabel("Count *").fill("2");
  await question.getByLabel("Colour").selectOption("blue");
  await question.getByRole("button", { name: "Accept" }).click();
  await expect(questions).toHaveCount(0);

  await expect
    .poll(
      async () =>
        (
          await trpc<{ run: { status: string; output: unknown } }>(
            page,
            "run.get",
            { id: run.id },
            "query",
          )
        ).run,
    )
    .toMatchObject({ status: "completed" });
  const done = await trpc<{ run: { output: unknown } }>(page, "run.get", { id: run.id }, "query");
  expect(JSON.stringify(done.run.output)).toContain("order for Ada x2");
});
