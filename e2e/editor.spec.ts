import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page, type Route } from "@playwright/test";
import { startFakeOpenAiServer } from "@/server/llm/testing/fake-openai-server";
import { OWNER, signIn, removeTenantModel, setUpTenantModel } from "./helpers";

const palette = (page: Page) => page.getByRole("navigation", { name: "Node palette" });
const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);
const problems = (page: Page) => page.getByRole("region", { name: "Problems" });

async function dropFromPalette(page: Page, kind: RegExp, at: { x: number; y: number }) {
  await palette(page)
    .getByRole("button", { name: kind })
    .dragTo(page.locator(".react-flow__pane"), { targetPosition: at });
}

/**
 * Drags a connection between two nodes' handles once the view has stopped moving: a drag that
 * starts while a fit or focus animation is still panning aims at where the handles were.
 */
async function connect(page: Page, from: string, to: string) {
  const viewport = page.locator(".react-flow__viewport");
  let previous: string | null = null;
  await expect
    .poll(
      async () => {
        const now = await viewport.getAttribute("style");
        const isStill = now === previous;
        previous = now;
        return isStill;
      },
      { intervals: [150] },
    )
    .toBe(true);
  // Drawn as a hand draws it, in steps (one jump can land before a busy page has seen the drag
  // start), and drawn again should the edge not appear: the state waited on is the new edge.
  const edges = page.locator(".react-flow__edge");
  const before = await edges.count();
  await expect(async () => {
    const source = await node(page, from)
      .locator(".react-flow__handle-right")
      .first()
      .boundingBox();
    const target = await node(page, to).locator(".react-flow__handle-left").first().boundingBox();
    if (!source || !target) throw new Error("a handle is not on screen");
    await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
    await page.mouse.down();
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
    await page.mouse.up();
    await expect(edges).toHaveCount(before + 1, { timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
}

/**
 * Holds the browser's calls of a tRPC procedure until `release`: `arrived` resolves when the first
 * is held. Makes an ordering a slow machine produces by chance happen every time.
 */
async function holdRequests(page: Page, procedure: string) {
  let arrive!: () => void;
  let open!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (open = resolve));
  const matches = (url: URL) =>
    url.pathname.startsWith("/api/trpc/") &&
    url.pathname.slice("/api/trpc/".length).split(",").includes(procedure);
  const held: Promise<void>[] = [];
  const handler = (route: Route) => {
    arrive();
    const passed = released.then(() => route.continue());
    held.push(passed);
    return passed;
  };
  await page.route(matches, handler);
  return {
    arrived,
    async release() {
      // Unrouted only once the held calls went on: an unroute passes paused calls on by itself,
      // and the handler's own continue would then fail.
      open();
      await Promise.all(held);
      await page.unroute(matches, handler);
    },
  };
}

async function centerX(page: Page, id: string) {
  const box = await node(page, id).boundingBox();
  return box!.x + box!.width / 2;
}

test("an owner builds a chain on the canvas, fixes a compile error, undoes and redoes, lays it out, publishes, reloads and runs it", async ({
  page,
}) => {
  test.slow();
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
  await problems(page)
    .getByRole("button", { name: /The template is required/ })
    .click();
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
  await expect
    .poll(
      async () =>
        (await centerX(page, "input")) < (await centerX(page, "transform")) &&
        (await centerX(page, "transform")) < (await centerX(page, "output")),
    )
    .toBe(true);

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

  // Change the draft, compare it with version 1, and restore that version while the draft's
  // autosave is still on its way (held here; on a slow machine it just takes that long): the
  // restore waits for it, instead of racing it and losing to it.
  const heldSave = await holdRequests(page, "workflow.saveDraft");
  await node(page, "transform").click();
  await inspector.getByLabel("Template").fill('{"greeting": "A draft change"}');
  await inspector.getByLabel("Template").blur();
  await expect(node(page, "transform")).toContainText("A draft change");
  await heldSave.arrived;
  await page.getByRole("button", { name: "Versions" }).click();
  const versions = page.getByRole("dialog", { name: "Versions" });
  await expect(versions.getByRole("list", { name: "Published versions" })).toContainText(
    "First chain",
  );
  await expect(versions.getByRole("list", { name: "Changes" })).toContainText("config.template");
  await versions.getByRole("button", { name: "Restore version 1" }).click();
  await expect(versions.getByRole("button", { name: "Restore version 1" })).toBeDisabled();
  await expect(node(page, "transform")).toContainText("A draft change");
  await heldSave.release();
  await expect(node(page, "transform")).toContainText("Hello from the canvas");
  await expect(versions).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "All changes saved" })).toBeVisible();

  // Run it from the canvas: the nodes turn green, and a step's output shows beside them.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Start run" }).click();
  for (const id of ["input", "transform", "output"])
    await expect(node(page, id)).toHaveAttribute("data-status", "completed");
  await node(page, "transform").click();
  await expect(page.getByRole("region", { name: "Run" })).toContainText("Hello from the canvas");
});

test("an imported workflow reads a file through the filesystem MCP server and summarises it with a model (fake OpenAI-compatible server on loopback)", async ({
  page,
}) => {
  test.slow();
  const llm = await startFakeOpenAiServer({ answer: "Summary: the canvas ships on Friday." });
  const dir = mkdtempSync(join(tmpdir(), "maestro-canvas-"));
  writeFileSync(join(dir, "notes.txt"), "Plan: ship the canvas on Friday.");
  try {
    // The tenant's model: an OpenAI-compatible server (the fake) with a default model.
    await setUpTenantModel(page, llm.baseURL);

    // The filesystem MCP server, installed for the folder under a name of its own.
    await page.goto("/marketplace");
    await page
      .getByRole("list", { name: "MCP servers" })
      .getByRole("link", { name: "Filesystem" })
      .click();
    await page.getByRole("button", { name: "Install" }).click();
    const install = page.getByRole("dialog");
    await install.getByLabel("Server name").fill("canvas-files");
    await install.getByLabel("allowed_directory").fill(dir);
    await install.getByRole("button", { name: "Install" }).click();
    await expect(page.getByText("Installed “canvas-files”")).toBeVisible();

    // Import a workflow file whose tool node is not configured yet: it opens on the canvas.
    await page.goto("/workflows");
    const file = {
      format: "maestro.workflow",
      formatVersion: 1,
      name: `Summarise a file ${Date.now()}`,
      description: "Reads a file and summarises it",
      document: {
        version: 2,
        nodes: [
          {
            id: "in",
            kind: "input",
            position: { x: 0, y: 0 },
            config: {
              schema: {
                type: "object",
                properties: { path: { type: "string" } },
                required: ["path"],
              },
            },
          },
          // Written elsewhere, where the server was installed as "files".
          { id: "read", kind: "tool", position: { x: 300, y: 0 }, config: { server: "files" } },
          {
            id: "summarise",
            kind: "llm",
            position: { x: 600, y: 0 },
            config: { prompt: "Summarise: {{steps.read.output}}" },
          },
          {
            id: "out",
            kind: "output",
            position: { x: 900, y: 0 },
            config: { value: "{{steps.summarise.output}}" },
          },
        ],
        edges: [
          { id: "e1", source: "in", target: "read" },
          { id: "e2", source: "read", target: "summarise" },
          { id: "e3", source: "summarise", target: "out" },
        ],
      },
    };
    await page.getByLabel("Workflow file to import").setInputFiles({
      name: "summarise.workflow.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(file)),
    });
    await expect(page.getByRole("heading", { name: file.name })).toBeVisible();
    await expect(node(page, "read")).toHaveAttribute("data-problems", "error");
    await expect(problems(page)).toContainText(
      'No MCP server named "files" is installed in this workspace',
    );

    // Configure the tool node from the tenant's installed servers and their tools.
    await node(page, "read").click();
    const inspector = page.getByRole("complementary", { name: "Inspector" });
    await inspector.getByLabel("Server").selectOption("canvas-files");
    await inspector.getByLabel("Tool", { exact: true }).selectOption("read_text_file");
    await inspector.getByLabel("Args").fill('{"path": "{{input.path}}"}');
    await inspector.getByLabel("Args").blur();
    await expect(problems(page)).toContainText("The workflow compiles.");
    await expect(problems(page)).not.toContainText("No MCP server named");

    await page.getByRole("button", { name: "Run", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("path", { exact: true }).fill(join(dir, "notes.txt"));
    await dialog.getByRole("button", { name: "Start run" }).click();
    for (const id of ["in", "read", "summarise", "out"])
      await expect(node(page, id)).toHaveAttribute("data-status", "completed");
    await node(page, "read").click();
    await expect(page.getByRole("region", { name: "Run" })).toContainText(
      "ship the canvas on Friday",
    );
    await node(page, "summarise").click();
    await expect(page.getByRole("region", { name: "Run" })).toContainText(
      "Summary: the canvas ships on Friday.",
    );
    expect(
      llm.received
        .at(-1)
        ?.messages.some((m) => JSON.stringify(m.content).includes("ship the canvas on Friday")),
    ).toBe(true);

    await removeTenantModel(page);
  } finally {
    await llm.close();
  }
});

/** Creates a workflow from one of the templates and waits for the canvas to open it. */
async function createFromTemplate(page: Page, name: string, template: string) {
  await page.getByRole("button", { name: "New workflow" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  const templates = page.getByLabel("Start from");
  await templates.selectOption(
    (await templates.locator("option", { hasText: template }).getAttribute("value")) ?? "",
  );
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
  return page.url();
}

const inspectorOf = (page: Page) => page.getByRole("complementary", { name: "Inspector" });
const sidebarLink = (page: Page, name: string) =>
  page.getByRole("navigation", { name: "Main", exact: true }).getByRole("link", { name });

test("an edit made just before clicking a sidebar link is saved before the page changes; a save that fails asks before leaving", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER);
  const editor = await createFromTemplate(page, `Leave guard ${Date.now()}`, "Research a topic");
  const inspector = inspectorOf(page);

  // Typed, and the link clicked at once: the click's blur keeps the text, well inside autosave's
  // quiet time. The save is held, so the page must wait for it rather than leave without it.
  const heldSave = await holdRequests(page, "workflow.saveDraft");
  await node(page, "brief").click();
  await inspector.getByLabel("Label").fill("Final brief");
  await sidebarLink(page, "Runs").click();
  await expect(page.getByRole("dialog", { name: "Saving your changes" })).toBeVisible();
  await heldSave.arrived;
  expect(page.url()).toBe(editor);
  await heldSave.release();
  await expect(page).toHaveURL(/\/runs$/);
  await page.goto(editor);
  await expect(node(page, "brief")).toContainText("Final brief");

  // A save that cannot be made: leaving asks, says why, and staying keeps the edit on the canvas.
  const failSaves = (url: URL) =>
    url.pathname.startsWith("/api/trpc/") && url.pathname.includes("workflow.saveDraft");
  await page.route(failSaves, (route) => route.abort("failed"));
  await node(page, "brief").click();
  await inspector.getByLabel("Label").fill("Never stored");
  await sidebarLink(page, "Runs").click();
  const ask = page.getByRole("dialog", { name: "Leave without saving?" });
  await expect(ask).toContainText("The draft could not be saved");
  await ask.getByRole("button", { name: "Stay" }).click();
  await expect(ask).toHaveCount(0);
  expect(page.url()).toBe(editor);
  await expect(node(page, "brief")).toContainText("Never stored");
  await sidebarLink(page, "Runs").click();
  await ask.getByRole("button", { name: "Leave anyway" }).click();
  await expect(page).toHaveURL(/\/runs$/);
  await page.unroute(failSaves);
});

test("a field's text that is not valid JSON is a problem that blocks running, and stays in the field until fixed", async ({
  page,
}) => {
  await signIn(page, OWNER);
  await createFromTemplate(page, `Invalid field ${Date.now()}`, "Research a topic");
  const inspector = inspectorOf(page);
  await node(page, "brief").click();
  await inspector.getByLabel("Value").fill("{oops");
  await inspector.getByLabel("Value").blur();
  const message = "Value: Not valid JSON. What you typed is not saved until this is fixed.";
  await expect(problems(page)).toContainText(message);
  await expect(inspector.getByRole("alert").filter({ hasText: "Not valid JSON" })).toBeVisible();
  await expect(node(page, "brief")).toHaveAttribute("data-problems", "error");
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeDisabled();

  // Opened again, the field still shows what was typed.
  await node(page, "write").click();
  await node(page, "brief").click();
  await expect(inspector.getByLabel("Value")).toHaveValue("{oops");

  await inspector.getByLabel("Value").fill('{"brief": "{{steps.write.output}}"}');
  await inspector.getByLabel("Value").blur();
  await expect(problems(page)).not.toContainText("Not valid JSON");
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeEnabled();
});

test("the inspector names a router's branches and the model's form, and unticks a server that is not installed; the list shows what is published", async ({
  page,
}) => {
  test.slow();
  await signIn(page, OWNER);
  const inspector = inspectorOf(page);

  await createFromTemplate(page, `Triage ${Date.now()}`, "Triage a support ticket");
  await node(page, "classify").click();
  await expect(inspector.getByText("Branch 1", { exact: true })).toBeVisible();
  await expect(inspector.getByRole("button", { name: "Add branch" })).toBeVisible();
  await expect(inspector).toContainText("provider/model, e.g. openai/gpt-4o-mini");

  await page.goto("/workflows");
  await createFromTemplate(page, `Research ${Date.now()}`, "Research a topic");
  await node(page, "research").click();
  const webSearch = inspector.getByRole("checkbox", { name: /web-search/ });
  await expect(inspector.getByText("not installed")).toBeVisible();
  await expect(webSearch).toBeChecked();
  // Unticked, it goes from the list: the node names it no longer and it is not installed.
  await webSearch.click();
  await expect(webSearch).toHaveCount(0);
  await expect(problems(page)).not.toContainText('No MCP server named "web-search"');
  await expect(page.getByRole("status").filter({ hasText: "All changes saved" })).toBeVisible();

  await page.goto("/workflows");
  const name = `Reply ${Date.now()}`;
  await createFromTemplate(page, name, "Draft a customer reply");
  await expect(page.getByText("not published")).toBeVisible();
  await page.getByRole("link", { name: "Back to workflows" }).click();
  const row = page
    .getByRole("list", { name: "Workflows" })
    .getByRole("listitem")
    .filter({ hasText: name });
  await expect(row).toContainText("not published");
  await row.getByRole("link", { name }).click();
  await expect(page.getByRole("status").filter({ hasText: "All changes saved" })).toBeVisible();
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText("v1 published")).toBeVisible();
  await page.getByRole("link", { name: "Back to workflows" }).click();
  await expect(row).toContainText("v1 published");

  // Its optional tone can be left out when running it: the template reads well without one.
  await row.getByRole("button", { name: `Run ${name}` }).click();
  const tone = page.getByRole("dialog").getByLabel("tone (optional)");
  await expect(tone).toHaveValue("");
  await expect(tone.locator("option")).toHaveText(["(none)", "formal", "warm"]);
});
