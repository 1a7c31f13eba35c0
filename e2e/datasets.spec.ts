import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { findWorkflow, OWNER, signIn, trpc, VIEWER } from "./helpers";

/**
 * Duplicates the offline demo and opens the copy's canvas: this test's own workflow, with no
 * datasets yet. The copy gets a name of its own, so later tests that look for the demo by name
 * still find one workflow.
 */
async function openCopyOfDemo(page: Page): Promise<string> {
  await signIn(page, OWNER);
  await findWorkflow(page, "Welcome a new teammate");
  await page
    .getByRole("button", { name: "Actions for Welcome a new teammate", exact: true })
    .click();
  await page.getByRole("menuitem", { name: "Duplicate" }).click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Welcome a new teammate");
  const workflowId = /\/workflows\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  const name = `Datasets e2e ${Date.now()}`;
  await trpc(page, "workflow.rename", { id: workflowId, name }, "mutation");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  return workflowId;
}

// Row 3 has a cell more than the header names.
const BAD_CSV =
  'name,expected,tags\nAda,"Welcome, Ada!",vip\nGrace,"Welcome, Grace!",new;csv,extra\nAlan,"Welcome, Alan!",csv\n';
const FIXED_CSV =
  'name,expected,tags\nAda,"Welcome, Ada!",vip\nGrace,"Welcome, Grace!",new;csv\nAlan,"Welcome, Alan!",csv\n';

test("an editor creates a dataset, imports a CSV once the row the preview names is fixed, adds items and an exact-match evaluator, and exports the version", async ({
  page,
}) => {
  test.slow();
  const workflowId = await openCopyOfDemo(page);

  // From the canvas's toolbar to the workflow's datasets: none yet, and what one is.
  await page.getByRole("link", { name: "Datasets" }).click();
  await expect(page).toHaveURL(`/workflows/${workflowId}/datasets`);
  await expect(page.getByRole("heading", { name: "No datasets yet" })).toBeVisible();
  await expect(page.getByText("A dataset is a set of test cases for this workflow")).toBeVisible();

  await page.getByRole("button", { name: "New dataset" }).click();
  const create = page.getByRole("dialog", { name: "New dataset" });
  await create.getByLabel("Name", { exact: true }).fill("Greetings");
  await create.getByLabel("Description").fill("New teammates by name");
  await create.getByRole("button", { name: "Create dataset" }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${workflowId}/datasets/[0-9a-f-]{36}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Greetings" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No items in this version" })).toBeVisible();

  // Import a CSV file: the preview names the bad row and its column, and the import waits for a fix.
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Import items" });
  await dialog
    .getByLabel("File", { exact: true })
    .setInputFiles({ name: "greetings.csv", mimeType: "text/csv", buffer: Buffer.from(BAD_CSV) });
  const mapping = dialog.getByRole("table", { name: "Column mapping" });
  await expect(mapping.getByRole("combobox", { name: 'What "name" feeds' })).toHaveValue("input");
  await expect(mapping.getByRole("combobox", { name: 'What "expected" feeds' })).toHaveValue(
    "reference",
  );
  await expect(mapping.getByRole("combobox", { name: 'What "tags" feeds' })).toHaveValue("tags");
  await expect(dialog.getByRole("list", { name: "Problems in row 3" })).toContainText(
    "Row 3, column 4: row 3 has 4 cells; the header names 3 columns",
  );
  const preview = dialog.getByRole("table", { name: "Preview of the first rows" });
  await expect(preview.getByRole("row").filter({ hasText: "Welcome, Ada!" })).toContainText(
    '{"name":"Ada"}',
  );

  // A mapping that reads a number from a text column is named by row and column too.
  await mapping.getByRole("combobox", { name: 'Read "name" as' }).selectOption("number");
  await expect(dialog.getByRole("list", { name: "Problems in row 2" })).toContainText(
    'Row 2, column 1 (name): input.name: "Ada" is not a number',
  );
  await mapping.getByRole("combobox", { name: 'Read "name" as' }).selectOption("");
  await expect(dialog.getByRole("list", { name: "Problems in row 2" })).toHaveCount(0);

  // The file fixed in the dialog's editor: every row is an item, and it imports as the next version.
  await dialog.getByLabel("Contents of greetings.csv").fill(FIXED_CSV);
  await expect(dialog.getByRole("list", { name: "Problems in row 3" })).toHaveCount(0);
  await expect(preview.getByRole("row").filter({ hasText: "Welcome, Grace!" })).toContainText(
    "new, csv",
  );
  await dialog.getByRole("button", { name: "Import items" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Imported 3 items: version 2")).toBeVisible();
  const items = page.getByRole("table", { name: "Items" });
  await expect(items.getByRole("row")).toHaveCount(4); // the header and three items
  await expect(items.getByRole("row").filter({ hasText: "Welcome, Grace!" })).toContainText(
    '{"name":"Grace"}',
  );
  // Creating the dataset made version 1 (empty); the import made version 2.
  const versionPicker = page.getByLabel("Version", { exact: true });
  await expect(versionPicker.locator("option:checked")).toHaveText(
    /^Version 2 \(newest\) · 3 items · imported/,
  );
  await versionPicker.selectOption("1");
  await expect(page.getByRole("heading", { name: "No items in this version" })).toBeVisible();
  await page.getByRole("button", { name: "Show the newest" }).click();
  await expect(items.getByRole("row")).toHaveCount(4);

  // An item by hand: input that is not JSON is refused with a clear message, then added as version 3.
  await page.getByRole("button", { name: "Add item", exact: true }).click();
  const itemDialog = page.getByRole("dialog", { name: "Add item" });
  await itemDialog.getByLabel("Input (JSON object)").fill("{name: Edsger}");
  await itemDialog.getByRole("button", { name: "Add item" }).click();
  await expect(itemDialog.getByRole("alert")).toContainText("The input is not valid JSON");
  await itemDialog.getByLabel("Input (JSON object)").fill('{"name": "Edsger"}');
  await itemDialog.getByRole("radio", { name: "Text" }).check();
  await itemDialog.getByLabel("Reference", { exact: true }).fill("Welcome, Edsger!");
  await itemDialog.getByLabel("Tags").fill("by hand");
  await itemDialog.getByLabel("Tags").press("Control+Enter");
  await expect(itemDialog).toBeHidden();
  await expect(versionPicker.locator("option:checked")).toHaveText(
    /^Version 3 \(newest\) · 4 items · edited by hand/,
  );
  await expect(items.getByRole("row").filter({ hasText: "Welcome, Edsger!" })).toContainText(
    "by hand",
  );

  // Evaluators: a field the engine refuses is named beside it; an exact match on the subject is saved.
  const evaluators = page.getByRole("region", { name: "Evaluators" });
  await expect(evaluators.getByText("No evaluators yet")).toBeVisible();
  await evaluators.getByLabel("Kind").selectOption({ label: "Latency bound" });
  await evaluators.getByRole("button", { name: "Add evaluator" }).click();
  await evaluators.getByRole("button", { name: "Save evaluators" }).click();
  const latency = evaluators.getByRole("listitem", { name: "Evaluator latency" });
  await expect(latency.getByRole("alert")).toHaveText("Required");
  await latency.getByRole("button", { name: "Remove evaluator latency" }).click();
  await evaluators.getByLabel("Kind").selectOption({ label: "Exact match" });
  await evaluators.getByRole("button", { name: "Add evaluator" }).click();
  const exact = evaluators.getByRole("listitem", { name: "Evaluator exact-match" });
  await exact.getByLabel("Output Path").fill("welcome.subject");
  await exact.getByLabel("Name (optional)").fill("Subject");
  await evaluators.getByRole("button", { name: "Save evaluators" }).click();
  await expect(page.getByText("Evaluators saved (1)")).toBeVisible();
  await page.reload();
  const saved = page
    .getByRole("region", { name: "Evaluators" })
    .getByRole("listitem", { name: "Evaluator Subject" });
  await expect(saved.getByLabel("Output Path")).toHaveValue("welcome.subject");
  await expect(saved.getByLabel("Trim")).toBeChecked();

  // Export: the newest version as JSONL, one item a line, as an import reads it back.
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("Greetings-v3.jsonl");
  const lines = (await readFile((await download.path())!, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.map((line) => [line.input, line.reference, line.tags])).toEqual([
    [{ name: "Ada" }, "Welcome, Ada!", ["vip"]],
    [{ name: "Grace" }, "Welcome, Grace!", ["new", "csv"]],
    [{ name: "Alan" }, "Welcome, Alan!", ["csv"]],
    [{ name: "Edsger" }, "Welcome, Edsger!", ["by hand"]],
  ]);

  // The workflow's datasets list counts it all.
  await page.goto(`/workflows/${workflowId}/datasets`);
  const row = page
    .getByRole("table", { name: "Datasets" })
    .getByRole("row")
    .filter({ hasText: "Greetings" });
  await expect(row.getByRole("cell")).toHaveText([/^Greetings/, "4", "v3", "1", /\d/]);
});

test("a viewer reads the demo's datasets, items and evaluators, and exports, but is offered no change", async ({
  page,
}) => {
  await signIn(page, VIEWER);
  // By its id: the list's rows move while it loads (the first test's copy is newest), so a click on a name can land on another row.
  const { items } = await trpc<{ items: { id: string; name: string }[] }>(
    page,
    "workflow.list",
    { search: "Welcome a new teammate" },
    "query",
  );
  await page.goto(`/workflows/${items.find((w) => w.name === "Welcome a new teammate")!.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Welcome a new teammate");
  await page.getByRole("link", { name: "Datasets" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Datasets" })).toBeVisible();
  await expect(page.getByRole("button", { name: "New dataset" })).toHaveCount(0);
  await page
    .getByRole("table", { name: "Datasets" })
    .getByRole("link", { name: "Onboarding checks" })
    .click();

  await expect(page.getByRole("heading", { level: 1, name: "Onboarding checks" })).toBeVisible();
  await expect(
    page.getByRole("table", { name: "Items" }).getByRole("row").filter({ hasText: "Ada Lovelace" }),
  ).toContainText("onboarding");
  await expect(page.getByRole("button", { name: /^Edit item/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Remove item/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Import", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Add item", exact: true })).toHaveCount(0);
  const evaluators = page.getByRole("region", { name: "Evaluators" });
  await expect(
    evaluators
      .getByRole("listitem", { name: "Evaluator Subject names the teammate" })
      .getByLabel("Output Path"),
  ).toBeDisabled();
  await expect(evaluators.getByRole("button", { name: "Save evaluators" })).toHaveCount(0);
  await expect(evaluators.getByRole("button", { name: "Add evaluator" })).toHaveCount(0);

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export" }).click();
  expect((await downloading).suggestedFilename()).toMatch(/^Onboarding-checks-v\d+\.jsonl$/);
});
