import { expect, test, type Page } from "@playwright/test";
import { OWNER, signIn } from "./helpers";

const palette = (page: Page) => page.getByRole("navigation", { name: "Node palette" });
const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);
const problems = (page: Page) => page.getByRole("region", { name: "Problems" });

async function dropFromPalette(page: Page, kind: RegExp, at: { x: number; y: number }) {
  await palette(page).getByRole("button", { name: kind }).dragTo(page.locator(".react-flow__pane"), { targetPosition: at });
}

async function connect(page: Page, from: string, to: string) {
  await node(page, from).locator(".react-flow__handle-right").first().dragTo(node(page, to).locator(".react-flow__handle-left"));
}

async function centerX(page: Page, id: string) {
  const box = await node(page, id).boundingBox();
  return box!.x + box!.width / 2;
}

test("an owner builds a chain on the canvas, fixes a compile error, undoes and redoes, lays it out, publishes, reloads and runs it", async ({ page }) => {
  test.setTimeout(120_000);
  const name = `Canvas chain ${Date.now()}`;
  await signIn(page, OWNER);
  await page.getByRole("button", { name: "New workflow" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();

  // Three nodes from the palette, dropped out of order so the layout has work to do.
  await dropFromPalette(page, /^Input/, { x: 140, y: 80 });
  await dropFromPalette(page, /^Output/, { x: 140, y: 260 });
  await dropFromPalette(page, /^Transform/, { x: 420, y: 80 });
  await expect(page.locator(".react-flow__node")).toHaveCount(3);

  // A transform without a template does not compile: the node and the problems list say so.
  await connect(page, "input", "transform");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await expect(node(page, "transform")).toHaveAttribute("data-problems", "error");
  await expect(problems(page)).toContainText("The template is required");
  await expect(problems(page)).toContainText("Not connected to the input");

  // Clicking the problem selects the node; the inspector's field fixes it.
  await problems(page).getByRole("button", { name: /The template is required/ }).click();
  const inspector = page.getByRole("complementary", { name: "Inspector" });
  await expect(inspector.getByRole("heading", { name: "Transform" })).toBeVisible();
  await inspector.getByLabel("Template").fill('{"greeting": "Hello from the canvas"}');
  await inspector.getByLabel("Template").blur();
  await expect(node(page, "transform")).not.toHaveAttribute("data-problems", "error");

  // Focusing the problem moved the view: fit the workflow in again, then connect the output.
  await page.getByRole("button", { name: "Fit view" }).first().click();
  await connect(page, "transform", "output");
  await expect(problems(page)).toContainText("The workflow compiles.");

  // Undo takes the last connection back (the warning returns); redo restores it.
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page.keyboard.press("Control+z");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await expect(problems(page)).toContainText("Not connected to the input");
  await page.keyboard.press("Control+Shift+z");
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await expect(problems(page)).toContainText("The workflow compiles.");

  // Auto-layout puts the chain left to right.
  await page.getByRole("button", { name: "Auto-layout" }).click();
  await expect.poll(async () => (await centerX(page, "input")) < (await centerX(page, "transform")) && (await centerX(page, "transform")) < (await centerX(page, "output"))).toBe(true);

  await expect(page.getByRole("status").filter({ hasText: "All changes saved" })).toBeVisible();
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByLabel("What changed").fill("First chain");
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("v1 published")).toBeVisible();

  // A reload finds the draft as it was left.
  await page.reload();
  await expect(page.locator(".react-flow__node")).toHaveCount(3);
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await expect(page.getByText("v1 published")).toBeVisible();
  await expect(problems(page)).toContainText("The workflow compiles.");

  // Run it from the canvas: the nodes turn green, and a step's output shows beside them.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Start run" }).click();
  for (const id of ["input", "transform", "output"]) await expect(node(page, id)).toHaveAttribute("data-status", "completed");
  await node(page, "transform").click();
  await expect(page.getByRole("region", { name: "Run" })).toContainText("Hello from the canvas");
});
