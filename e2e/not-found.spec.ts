import { expect, test } from "@playwright/test";
import { OWNER, signIn } from "./helpers";

test("a wrong address shows the not-found page inside the app's shell, never a validation error", async ({
  page,
}) => {
  await signIn(page, OWNER);
  const nav = page.getByRole("navigation", { name: "Main", exact: true });
  for (const path of [
    "/workflows/not-a-uuid",
    "/runs/12345",
    "/marketplace/nope",
    "/anomalies/x",
    "/no-such-page/at/all",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Nothing here" }), path).toBeVisible();
    await expect(nav, path).toBeVisible();
    await expect(page.locator("body"), path).not.toContainText("invalid_format");
  }
  // The way back is one click away.
  await page.getByRole("main").getByRole("link", { name: "Runs" }).click();
  await expect(page).toHaveURL(/\/runs$/);
  await expect(page.getByRole("heading", { name: "Runs" })).toBeVisible();

  // A well-formed id that names nothing keeps its own page's message.
  await page.goto("/runs/00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("heading", { name: "Run not found" })).toBeVisible();
});
