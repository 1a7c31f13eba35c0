import { expect, type Page } from "@playwright/test";

/** The demo accounts that db/seed.ts creates (kept literal here: the e2e suite checks what a person would type). */
export const OWNER = { email: "owner@demo.test", password: "demo-owner-pass", name: "Dana Owner" };
export const VIEWER = { email: "viewer@demo.test", password: "demo-viewer-pass", name: "Vic Viewer" };
export const SUPERADMIN = { email: "admin@maestro.test", password: "demo-admin-pass", name: "Sam Superadmin" };

export async function signIn(page: Page, account: { email: string; password: string }, path = "/workflows") {
  await page.goto(path);
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main", exact: true })).toBeVisible();
}

export async function openUserMenu(page: Page) {
  await page.getByRole("button", { name: "User menu" }).click();
}
