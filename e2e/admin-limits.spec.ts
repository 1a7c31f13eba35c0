import { expect, test, type Page } from "@playwright/test";
import { OWNER, VIEWER, signIn } from "./helpers";

/** Fails the test on any Content-Security-Policy violation the page reports. */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

const card = (page: Page, title: string) =>
  page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: title, exact: true }) });

test("every response carries the security headers", async ({ request }) => {
  for (const path of ["/signin", "/api/health"]) {
    const headers = (await request.get(path)).headers();
    expect(headers["content-security-policy"], path).toContain("default-src 'self'");
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], path).toContain("object-src 'none'");
    expect(headers["content-security-policy"], path).not.toContain("unsafe-eval");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["permissions-policy"], path).toBe("camera=(), microphone=(), geolocation=()");
    // The test server runs on http://localhost: no HSTS there.
    expect(headers["strict-transport-security"], path).toBeUndefined();
  }
});

test("an admin changes a limit on /admin/limits, with field errors, and sees it applied", async ({
  page,
}) => {
  const violations = watchCsp(page);
  await signIn(page, OWNER, "/admin/limits");
  await expect(page).toHaveURL(/\/admin\/limits$/);
  const perDay = card(page, "Runs per day");
  await expect(perDay).toContainText("Unlimited");
  await expect(perDay).toContainText("Platform default");
  await expect(
    card(page, "Concurrent runs").getByRole("meter", { name: "Concurrent runs used" }),
  ).toBeVisible();

  await page.getByRole("button", { name: "Edit limits" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit limits" });
  const field = dialog.getByLabel("Runs per day (runs)");
  await field.fill("0");
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(dialog.getByRole("alert")).toContainText("at least 1");
  await expect(field).toHaveAttribute("aria-invalid", "true");

  await field.fill("5000");
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Limits saved")).toBeVisible();
  await expect(perDay).toContainText(/5,?000 runs/);
  await expect(perDay).toContainText("Set for this tenant");
  await expect(perDay.getByRole("meter", { name: "Runs per day used" })).toHaveAttribute(
    "aria-valuemax",
    "5000",
  );

  await page.reload();
  await expect(perDay).toContainText(/5,?000 runs/);

  // Cleared, it follows the platform default again (and leaves the demo tenant as it was).
  await page.getByRole("button", { name: "Edit limits" }).click();
  await dialog.getByLabel("Runs per day (runs)").fill("");
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(dialog).toBeHidden();
  await expect(perDay).toContainText("Unlimited");
  await expect(perDay).toContainText("Platform default");
  expect(violations).toEqual([]);
});

test("a viewer sees the limits and their use, but cannot change them", async ({ page }) => {
  const violations = watchCsp(page);
  await signIn(page, VIEWER, "/admin/limits");
  await expect(card(page, "Concurrent runs")).toBeVisible();
  await expect(card(page, "LLM tokens per month")).toContainText("used this month");
  await expect(
    card(page, "Requests per member").getByRole("meter", { name: "Requests per member used" }),
  ).toBeVisible();
  await expect(card(page, "Requests per API token")).toContainText("per minute");
  await expect(page.getByRole("button", { name: "Edit limits" })).toHaveCount(0);
  expect(violations).toEqual([]);
});
