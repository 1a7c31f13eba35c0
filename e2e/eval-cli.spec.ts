import { execFile } from "node:child_process";
import { join } from "node:path";
import { test, expect } from "@playwright/test";
import { OWNER, signIn, trpc } from "./helpers";

/**
 * `npm run -s eval` as a CI job runs it: the plain Node script against the started app (the one
 * this suite serves), with an API token, reading the exit code and the last line of stdout.
 */
const CLI = join(__dirname, "..", "scripts", "eval.mjs");

type CliResult = { code: number; stdout: string; stderr: string };
function evalCli(args: string[], env: { url: string; token: string }): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, "run", ...args],
      { env: { ...process.env, MAESTRO_URL: env.url, MAESTRO_TOKEN: env.token }, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : -1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}
const lastJsonLine = (stdout: string) =>
  JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;

/** The demo's welcome workflow (person → note → welcome) as a file, imported under its own name. */
const welcomeFile = {
  format: "maestro.workflow",
  formatVersion: 1,
  name: "CLI welcome",
  description: "A copy of the demo welcome workflow for the eval CLI test",
  document: {
    version: 2,
    nodes: [
      {
        id: "person",
        kind: "input",
        position: { x: 0, y: 0 },
        config: {
          schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        },
      },
      {
        id: "note",
        kind: "transform",
        position: { x: 300, y: 0 },
        config: { template: { subject: "Welcome, {{input.name}}!" } },
      },
      { id: "welcome", kind: "output", position: { x: 600, y: 0 }, config: { name: "welcome" } },
    ],
    edges: [
      { id: "e1", source: "person", target: "note" },
      { id: "e2", source: "note", target: "welcome" },
    ],
  },
};

test("npm run eval against the started app: exit 0 with the summary at or above --min-score, 1 below it, 2 for a workflow that is not there", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER);
  const name = `CLI welcome ${Date.now()}`;
  const workflow = await trpc<{ id: string }>(
    page,
    "workflow.import",
    { file: welcomeFile, name },
    "mutation",
  );
  await trpc(page, "workflow.publish", { workflowId: workflow.id }, "mutation");
  const subject = [{ id: "subject", kind: "exact-match", outputPath: "welcome.subject" }];
  const items = (greeting: string) =>
    ["Ada", "Grace"].map((n) => ({
      id: n.toLowerCase(),
      input: { name: n },
      reference: `${greeting}, ${n}!`,
      tags: [],
    }));
  for (const [dataset, greeting] of [
    ["Greets", "Welcome"],
    ["Expects hello", "Hello"],
  ] as const) {
    const made = await trpc<{ id: string }>(
      page,
      "dataset.create",
      { workflowId: workflow.id, name: dataset, evaluators: subject },
      "mutation",
    );
    await trpc(
      page,
      "dataset.addItems",
      { datasetId: made.id, items: items(greeting) },
      "mutation",
    );
  }
  const { secret } = await trpc<{ secret: string }>(
    page,
    "token.create",
    { name: `eval CLI ${Date.now()}`, scopes: ["workflows:write"], expiry: { in: "never" } },
    "mutation",
  );
  const env = { url: new URL(page.url()).origin, token: secret };

  const passing = await evalCli(
    ["--workflow", name, "--dataset", "Greets", "--min-score", "0.9"],
    env,
  );
  expect(passing.code, passing.stderr).toBe(0);
  expect(lastJsonLine(passing.stdout)).toMatchObject({
    status: "completed",
    score: 1,
    items: 2,
    passed: 2,
    failedItems: [],
  });
  expect(passing.stderr).toContain(`Evaluating version 1 of "${name}" on "Greets"`);

  const failing = await evalCli(
    ["--workflow", workflow.id, "--dataset", "Expects hello", "--min-score", "0.5"],
    env,
  );
  expect(failing.code, failing.stderr).toBe(1);
  const summary = lastJsonLine(failing.stdout);
  expect(summary).toMatchObject({ status: "completed", score: 0, items: 2, passed: 0 });
  expect(summary.failedItems).toHaveLength(2);

  // The evaluation the CLI ran is the one the app shows.
  await page.goto(`/evaluations/${String(summary.evaluationId)}`);
  await expect(page.getByText("Expects hello").first()).toBeVisible();

  const missing = await evalCli(["--workflow", "No such workflow anywhere"], env);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("No such workflow anywhere");
});
