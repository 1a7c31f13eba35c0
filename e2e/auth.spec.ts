import { expect, test } from "@playwright/test";
import { OWNER, openUserMenu, signIn, VIEWER } from "./helpers";

test("a signed-out visitor is sent to the sign-in page, and back after signing in", async ({
  page,
}) => {
  await page.goto("/runs");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fruns$/);
  await expect(page.getByRole("heading", { name: "Sign in to Maestro" })).toBeVisible();

  await page.getByLabel("E-mail").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/runs$/);
  await expect(page.getByRole("heading", { name: "Runs" })).toBeVisible();
});

test("a wrong password says so and nothing else", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(VIEWER.email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong e-mail or password.");
  await expect(page).toHaveURL(/\/signin/);

  // An unknown account gets exactly the same answer.
  await page.getByLabel("E-mail").fill("nobody@demo.test");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong e-mail or password.");
});

test("the shell: sidebar, tenant, user menu, themes, sign-out", async ({ page }) => {
  await signIn(page, OWNER);
  const nav = page.getByRole("navigation", { name: "Main", exact: true });
  for (const section of ["Workflows", "Runs", "Analytics", "Anomalies", "Marketplace", "Admin"]) {
    await expect(nav.getByRole("link", { name: section })).toBeVisible();
  }
  await expect(page.getByTestId("current-tenant")).toContainText("Demo");
  await expect(page.getByText("Research a topic and write a brief")).toBeVisible();

  await nav.getByRole("link", { name: "Anomalies" }).click();
  await expect(page.getByRole("heading", { name: "Anomalies" })).toBeVisible();

  await openUserMenu(page);
  await expect(page.getByRole("menu")).toContainText(OWNER.email);
  await page.getByRole("menuitemradio", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await openUserMenu(page);
  await page.getByRole("menuitemradio", { name: "Light" }).click();
  await expect(page.locator("html")).not.toHaveClass(/dark/);

  await openUserMenu(page);
  await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/workflows");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fworkflows/);
});

test("a user of two tenants switches between them", async ({ page }) => {
  await signIn(page, OWNER);
  await expect(page.getByTestId("current-tenant")).toContainText("Demo");
  await page.getByRole("button", { name: "Switch tenant" }).click();
  await page.getByRole("menuitem", { name: /Acme Research/ }).click();

  await expect(page.getByTestId("current-tenant")).toContainText("Acme Research");
  await expect(page.getByTestId("current-tenant")).toContainText("editor");
  await expect(page.getByText("Review a pull request from three angles")).toBeVisible();
  await expect(page.getByText("Research a topic and write a brief")).toHaveCount(0);

  // The choice is part of the session: it survives a reload.
  await page.reload();
  await expect(page.getByTestId("current-tenant")).toContainText("Acme Research");

  await page.getByRole("button", { name: "Switch tenant" }).click();
  await page.getByRole("menuitem", { name: /Demo/ }).click();
  await expect(page.getByTestId("current-tenant")).toContainText("Demo");
});

test("a session cookie kept after sign-out is refused by the API and the pages", async ({
  page,
  browser,
  baseURL,
}) => {
  await signIn(page, VIEWER);
  const kept = (await page.context().cookies()).filter((c) =>
    c.name.includes("next-auth.session-token"),
  );
  expect(kept).not.toHaveLength(0);
  await openUserMenu(page);
  await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);

  // Someone who copied the cookie before the sign-out replays it.
  const thief = await browser.newContext({ baseURL });
  await thief.addCookies(kept);
  const me = await thief.request.get("/api/trpc/session.me");
  expect(me.status()).toBe(401);
  const thiefPage = await thief.newPage();
  await thiefPage.goto("/workflows");
  await expect(thiefPage).toHaveURL(/\/signin\?callbackUrl=%2Fworkflows/);
  await expect(thiefPage.getByRole("heading", { name: "Sign in to Maestro" })).toBeVisible();
  await thief.close();
});

test("'sign out everywhere' signs out this browser and every other one", async ({
  page,
  browser,
  baseURL,
}) => {
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  await signIn(otherPage, VIEWER);
  await signIn(page, VIEWER);

  await openUserMenu(page);
  await page.getByRole("menuitem", { name: "Sign out everywhere…" }).click();
  const dialog = page.getByRole("dialog", { name: "Sign out everywhere?" });
  await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/signin/);

  await otherPage.goto("/runs");
  await expect(otherPage).toHaveURL(/\/signin\?callbackUrl=%2Fruns/);
  await other.close();
});

test("changing the password signs out the other browsers and keeps this one", async ({
  page,
  browser,
  baseURL,
}) => {
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  await signIn(otherPage, VIEWER);
  await signIn(page, VIEWER);

  const changePassword = async (from: string, to: string) => {
    await openUserMenu(page);
    await page.getByRole("menuitem", { name: "Change password…" }).click();
    const dialog = page.getByRole("dialog", { name: "Change password" });
    await dialog.getByLabel("Current password").fill(from);
    await dialog.getByLabel("New password", { exact: true }).fill(to);
    await dialog.getByLabel("New password again").fill(to);
    await dialog.getByRole("button", { name: "Change password" }).click();
    return dialog;
  };

  const wrong = await changePassword("not my password", "a brand new password");
  await expect(wrong.getByText("That is not your current password.")).toBeVisible();
  await wrong.getByRole("button", { name: "Cancel" }).click();

  const changed = await changePassword(VIEWER.password, "a brand new password");
  await expect(changed.getByRole("status")).toContainText("1 other session was signed out");
  await changed.getByRole("button", { name: "Done" }).click();

  await otherPage.goto("/runs");
  await expect(otherPage).toHaveURL(/\/signin/);
  await page.goto("/runs");
  await expect(page.getByRole("heading", { name: "Runs" })).toBeVisible();

  // Back to the demo password, for the tests after this one.
  const restored = await changePassword("a brand new password", VIEWER.password);
  await expect(restored.getByRole("status")).toContainText("Your password is changed");
  await other.close();
});
