import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { findWorkflow, OWNER, signIn, VIEWER } from "./helpers";

const provider = (page: Page, name: string) => page.getByRole("region", { name, exact: true });

test("after a run, the usage page shows it by workflow and member, and the billing CSV has its line", async ({
  page,
}) => {
  await signIn(page, OWNER);
  await findWorkflow(page, "Welcome a new teammate");
  await page.getByRole("button", { name: "Run Welcome a new teammate" }).click();
  const dialog = page.getByRole("dialog", { name: "Run “Welcome a new teammate”" });
  await dialog.getByLabel("name", { exact: true }).fill("Grace");
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page.getByRole("region", { name: "Run output" })).toContainText("Welcome, Grace!");

  await page.goto("/admin/usage");
  await expect(page.getByRole("heading", { name: "Usage", exact: true })).toBeVisible();
  await expect(page.getByTestId("stat-runs")).toHaveText(/^[1-9]/);
  await expect(page.getByTestId("stat-steps")).toHaveText(/^[1-9]/);
  const byWorkflow = page.getByRole("region", { name: "By workflow" });
  await expect(byWorkflow.getByRole("rowheader", { name: "Welcome a new teammate" })).toBeVisible();
  await expect(
    page.getByRole("region", { name: "By member" }).getByRole("rowheader", { name: OWNER.name }),
  ).toBeVisible();

  // A fresh install has the demo's month of past runs (server/demo-run-history.ts) on it: the
  // slow batch, never run here, is among them, with the MCP calls of its tool steps.
  await page.getByLabel("Date range").selectOption({ label: "Last 30 days" });
  await expect(
    byWorkflow.getByRole("rowheader", { name: "Process a slow batch", exact: true }),
  ).toBeVisible();
  await expect(page.getByTestId("stat-runs")).toHaveText(/^[1-9][\d,]{2}/);
  await page.getByLabel("Date range").selectOption({ label: "Last 7 days" });
  await expect(byWorkflow).toBeVisible();

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(
    /^usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/,
  );
  const lines = (await readFile((await download.path())!, "utf8"))
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  expect(lines[0]).toBe(
    "date,run id,workflow,member e-mail,status,steps,tokens in,tokens out,cost USD,unpriced tokens,MCP calls",
  );
  expect(
    lines.some((line) => line.includes(",Welcome a new teammate,owner@demo.test,completed,")),
  ).toBe(true);
});

test("an admin sets an LLM key that is only ever shown by its last four characters, replaces it, tests it, and finds it audited", async ({
  page,
}) => {
  const firstKey = "sk-e2e-first-secret-1234";
  const secondKey = "sk-e2e-second-secret-9876";
  await signIn(page, OWNER, "/admin/llm");
  const local = provider(page, "OpenAI-compatible");
  await expect(local).toContainText("Not set up");

  // A server nobody listens on: saving works, the test then reports it unreachable.
  await local.getByLabel("Base URL").fill("http://127.0.0.1:9/v1");
  await local.getByLabel("API key (optional)").fill(firstKey);
  await local.getByLabel("Default model").fill("llama3.1");
  await local.getByRole("button", { name: "Save", exact: true }).click();
  await expect(local.getByText("Set, ends with …1234")).toBeVisible();
  await expect(local.getByLabel("API key (optional)")).toHaveCount(0);

  await page.reload();
  await expect(provider(page, "OpenAI-compatible").getByText("Set, ends with …1234")).toBeVisible();
  expect(await page.content()).not.toContain(firstKey);

  await local.getByRole("button", { name: "Replace key" }).click();
  await local.getByLabel("API key (optional)").fill(secondKey);
  await local.getByRole("button", { name: "Save", exact: true }).click();
  await expect(local.getByText("Set, ends with …9876")).toBeVisible();
  expect(await page.content()).not.toContain(secondKey);

  await local.getByRole("button", { name: "Test", exact: true }).click();
  await expect(local.getByRole("status")).toContainText("Test failed (LLM_UNREACHABLE)");

  // A local model has no price until one is set here; a bad row is named before anything is sent.
  const prices = local.getByRole("form", { name: "Model prices" });
  await prices.getByRole("button", { name: "Add a price" }).click();
  await prices.getByRole("button", { name: "Save prices" }).click();
  await expect(prices.getByRole("alert")).toHaveText("Name the model");
  await prices.getByLabel("Model 1", { exact: true }).fill("llama3.1");
  await prices.getByLabel("Input price of model 1").fill("0.2");
  await prices.getByLabel("Output price of model 1").fill("0.6");
  await prices.getByRole("button", { name: "Save prices" }).click();
  await expect(page.getByText("Saved the prices of OpenAI-compatible's models")).toBeVisible();
  await page.reload();
  await expect(
    provider(page, "OpenAI-compatible").getByLabel("Output price of model 1"),
  ).toHaveValue("0.6");

  await page
    .getByRole("navigation", { name: "Admin sections" })
    .getByRole("link", { name: "Audit log" })
    .click();
  await page.getByLabel("Action", { exact: true }).selectOption("llm.provider.update");
  const row = page.getByRole("row", { name: /llm\.provider\.update/ });
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: /Details of llm\.provider\.update/ }).click();
  const metadata = page.getByLabel("Metadata");
  await expect(metadata).toContainText('"keyHint": "9876"');
  await expect(metadata).not.toContainText(secondKey);

  // A member filter from the actors present, and the CSV of what the filters show.
  await page
    .getByLabel("Member", { exact: true })
    .selectOption({ label: `${OWNER.name} (${OWNER.email})` });
  await expect(page.getByRole("row", { name: /llm\.provider\.update/ })).toHaveCount(1);
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = await readFile((await (await downloading).path())!, "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain("llm.provider.update");
  expect(csv).not.toContain(secondKey);

  await page.goto("/admin/llm");
  await provider(page, "OpenAI-compatible")
    .getByRole("button", { name: "Remove provider" })
    .click();
  await page
    .getByRole("dialog", { name: "Remove OpenAI-compatible?" })
    .getByRole("button", { name: "Remove" })
    .click();
  await expect(provider(page, "OpenAI-compatible")).toContainText("Not set up");
});

test("a viewer sees neither the usage, the LLM providers nor the audit log", async ({ page }) => {
  await signIn(page, VIEWER, "/admin/usage");
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await page.goto("/admin/llm");
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  expect((await page.request.get("/api/usage/export?from=2026-01-01&to=2026-01-31")).status()).toBe(
    403,
  );
  expect((await page.request.get("/api/audit/export")).status()).toBe(403);
});
