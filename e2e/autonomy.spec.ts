import { expect, test, type Page } from "@playwright/test";
import { startFakeOpenAiServer } from "@/server/llm/testing/fake-openai-server";
import { removeTenantModel, setUpTenantModel } from "./helpers";

const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);
const TASK = "Write a haiku about autumn and polish it until a critic rates it excellent";

test("an owner describes a task, gets a proposed workflow with its reasons, creates it and runs it on the canvas (model: fake OpenAI-compatible server on loopback)", async ({
  page,
}) => {
  test.slow();
  // Every model call gets this answer: the evaluator reads a rating of 9, above the proposal's bar of 8.
  const llm = await startFakeOpenAiServer({
    answer: JSON.stringify({ rating: 9, feedback: "Excellent: crisp and seasonal." }),
  });
  try {
    // The tenant's model: an OpenAI-compatible server (the fake) with a default model.
    await setUpTenantModel(page, llm.baseURL);

    // New workflow → Describe a task…: the task in words, Enter proposes.
    await page.goto("/workflows");
    await page.getByRole("button", { name: "New workflow" }).click();
    await page.getByRole("button", { name: "Describe a task…" }).click();
    const dialog = page.getByRole("dialog", { name: "Describe a task" });
    await dialog.getByLabel("Task").fill("hi");
    await dialog.getByLabel("Task").press("Enter");
    await expect(dialog.getByRole("alert")).toContainText("at least 3 characters");
    await dialog.getByLabel("Task").fill(TASK);
    await dialog.getByLabel("Task").press("Enter");

    // The proposal: a quality loop, with its reasons, no MCP server needed, and why each node is there.
    const proposal = dialog.getByRole("region", { name: "Proposal" });
    await expect(proposal.getByTestId("proposed-pattern")).toHaveText("Evaluator–optimizer");
    await expect(proposal.getByRole("list", { name: "Why this pattern" })).toContainText(
      "a quality bar to iterate towards",
    );
    await expect(proposal).toContainText("None: the models can do this task on their own.");
    const nodes = proposal.getByRole("list", { name: "Proposed nodes" });
    await expect(nodes.getByRole("listitem")).toHaveCount(3);
    await expect(nodes).toContainText("stops at 8/10 or after 4 rounds");

    // Planned as another pattern, then back to the planner's choice.
    await proposal.getByLabel("Plan as").selectOption("chain");
    await expect(proposal.getByTestId("proposed-pattern")).toHaveText("Chain");
    await expect(proposal.getByRole("list", { name: "Why this pattern" })).toContainText(
      "chain: chosen by the user",
    );
    await proposal.getByLabel("Plan as").selectOption("evaluator-optimizer");
    await expect(proposal.getByTestId("proposed-pattern")).toHaveText("Evaluator–optimizer");
    await expect(nodes.getByRole("listitem")).toHaveCount(3);

    // The workspace's model may refine it; this one answers with a rating, not a suggestion: nothing changes.
    await dialog.getByRole("button", { name: "Refine with the model" }).click();
    await expect(
      dialog.getByRole("status").filter({ hasText: "The model kept the proposal as it was" }),
    ).toBeVisible();
    await expect(proposal.getByTestId("proposed-pattern")).toHaveText("Evaluator–optimizer");

    // Created, it opens on the canvas with its nodes, and the inspector says why a node is there.
    await dialog.getByRole("button", { name: "Create workflow" }).click();
    await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { name: TASK })).toBeVisible();
    await expect(page.locator(".react-flow__node")).toHaveCount(3);
    await expect(page.locator(".react-flow__edge")).toHaveCount(2);
    await expect(page.getByRole("region", { name: "Problems" })).toContainText(
      "The workflow compiles.",
    );
    await node(page, "refine").click();
    await expect(page.getByRole("complementary", { name: "Inspector" })).toContainText(
      "Why this node: writes each version",
    );

    // Run it: the model is the fake; every node turns green.
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const run = page.getByRole("dialog");
    await run.getByLabel("task", { exact: true }).fill("A haiku about falling leaves");
    await run.getByRole("button", { name: "Start run" }).click();
    for (const id of ["request", "refine", "result"])
      await expect(node(page, id)).toHaveAttribute("data-status", "completed");
    await node(page, "refine").click();
    await expect(page.getByRole("region", { name: "Run" })).toContainText("crisp and seasonal");
    expect(
      llm.received.some((request) =>
        JSON.stringify(request.messages).includes("A haiku about falling leaves"),
      ),
    ).toBe(true);

    await removeTenantModel(page);
  } finally {
    await llm.close();
  }
});
