import { test as base, expect, type Page } from "@playwright/test";

/** The demo accounts that db/seed.ts creates (kept literal here: the e2e suite checks what a person would type). */
export const OWNER = { email: "owner@demo.test", password: "demo-owner-pass", name: "Dana Owner" };
export const VIEWER = {
  email: "viewer@demo.test",
  password: "demo-viewer-pass",
  name: "Vic Viewer",
};
export const SUPERADMIN = {
  email: "admin@maestro.test",
  password: "demo-admin-pass",
  name: "Sam Superadmin",
};

export async function signIn(
  page: Page,
  account: { email: string; password: string },
  path = "/workflows",
) {
  await page.goto(path);
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main", exact: true })).toBeVisible();
}

/**
 * Narrows the workflows list (the page signIn lands on) to one workflow by its name. The list is
 * newest first and paginated, so in the full suite other specs' workflows push the demo's off the
 * first page: a person would search, and so do the tests.
 */
export async function findWorkflow(page: Page, name: string) {
  await page.getByLabel("Search workflows").fill(name);
  const list = page.getByRole("list", { name: "Workflows", exact: true });
  await expect(list.getByRole("link", { name, exact: true })).toBeVisible();
}

export async function openUserMenu(page: Page) {
  await page.getByRole("button", { name: "User menu" }).click();
}

/** Signs in as the demo owner and makes `baseURL` (the fake OpenAI-compatible server) the tenant's model. */
export async function setUpTenantModel(page: Page, baseURL: string) {
  await signIn(page, OWNER, "/admin/llm");
  const provider = page.getByRole("region", { name: "OpenAI-compatible", exact: true });
  await provider.getByLabel("Base URL").fill(baseURL);
  await provider.getByLabel("Default model").fill("fake-model");
  await provider.getByRole("button", { name: "Save", exact: true }).click();
  await expect(provider).toContainText("Set up");
}

/** Leaves the tenant without a model again, as the other tests expect. */
export async function removeTenantModel(page: Page) {
  await page.goto("/admin/llm");
  const provider = page.getByRole("region", { name: "OpenAI-compatible", exact: true });
  await provider.getByRole("button", { name: "Remove provider" }).click();
  await page
    .getByRole("dialog", { name: "Remove OpenAI-compatible?" })
    .getByRole("button", { name: "Remove" })
    .click();
  await expect(provider).toContainText("Not set up");
}

/** A tRPC call as the signed-in browser makes it (its session cookie, the app's own Origin). */
export async function trpc<T = unknown>(
  page: Page,
  procedure: string,
  input: unknown,
  kind: "query" | "mutation",
): Promise<T> {
  const origin = new URL(page.url()).origin;
  const response =
    kind === "query"
      ? await page.request.get(
          `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
        )
      : await page.request.post(`/api/trpc/${procedure}`, {
          data: { json: input },
          headers: { Origin: origin },
        });
  const body = (await response.json()) as { result?: { data: { json: T } }; error?: unknown };
  expect(response.ok(), JSON.stringify(body.error)).toBe(true);
  return body.result!.data.json;
}

/**
 * Playwright's `test` where the pages must not log errors (a React warning, a request the UI did
 * not handle); `expected` names console errors a test causes on purpose (a refused request the UI shows).
 */
export function testWithoutConsoleErrors(expected?: RegExp) {
  return base.extend<{ consoleErrors: string[] }>({
    consoleErrors: [
      async ({ page }, use) => {
        const errors: string[] = [];
        page.on("console", (message) => {
          if (message.type() === "error" && !expected?.test(message.text()))
            errors.push(message.text());
        });
        page.on("pageerror", (error) => errors.push(error.message));
        await use(errors);
        expect(errors).toEqual([]);
      },
      { auto: true },
    ],
  });
}
