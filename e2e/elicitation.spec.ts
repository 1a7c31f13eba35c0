import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
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

/** Imports and installs the asking test server under a name of its own; returns the name. */
async function installAskingServer(page: Page) {
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
  return name;
}

test("the tool runner shows a server's questions: URL mode opened only by a click, a form answered", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER, "/marketplace/installed");
  const name = await installAskingServer(page);
  const opened: string[] = [];
  page.context().on("page", (p) => opened.push(p.url()));
  await page.goto("/marketplace/installed");
  await page.getByLabel("Search installed servers").fill(name);
  await page
    .getByRole("list", { name: "Installed servers" })
    .getByRole("link", { name, exact: true })
    .click();
  await expect(page.getByRole("tablist", { name: "Inspector" })).toBeVisible();

  // URL mode: the host is shown plainly; nothing opens by itself, Done waits for the click.
  await page.getByLabel("Tool", { exact: true }).selectOption("ask-url");
  await page.getByRole("button", { name: "Run" }).click();
  const urlQuestion = page.getByRole("region", { name: "Question from elicit-test" });
  await expect(urlQuestion).toContainText("Confirm the payment on our page");
  await expect(urlQuestion.getByRole("strong")).toHaveText("pay.example.com");
  await expect(urlQuestion.getByRole("button", { name: "Open pay.example.com" })).toBeVisible();
  await expect(urlQuestion.getByRole("button", { name: "Done" })).toBeDisabled();
  await urlQuestion.getByRole("button", { name: "Decline" }).click();
  await expect(page.getByRole("region", { name: "Result" })).toContainText("payment decline");
  await expect(urlQuestion).toHaveCount(0);
  expect(opened).toEqual([]);

  // Form mode: fields from the schema, the answer goes to the server.
  await page.getByLabel("Tool", { exact: true }).selectOption("ask-form");
  await page.getByRole("button", { name: "Run" }).click();
  const form = page.getByRole("region", { name: "Question from elicit-test" });
  await form.getByLabel("Name *").fill("Bo");
  await form.getByLabel("Count *").fill("3");
  await form.getByLabel("Gift wrap").check();
  await form.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByRole("region", { name: "Result" })).toContainText("order for Bo x3");
});

test("a run waits for a tool's question, answered in the approvals inbox, and goes on with the answer", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER, "/marketplace/installed");
  const name = await installAskingServer(page);
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
