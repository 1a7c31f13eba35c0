import { expect, test } from "@playwright/test";
import { OWNER, signIn, VIEWER } from "./helpers";

/**
 * The demo install seeds six hours of run latencies for "Welcome a new teammate" ending in a
 * spike, and the anomaly watcher opens an alert from them at start (server/demo-anomalies.ts).
 */
const DEMO_ALERT = /Run latency p95 of workflow "Welcome a new teammate" rose to/;

test("an owner finds the open alert from the sidebar badge, reads its chart with the expected band, and acknowledges it", async ({
  page,
}) => {
  await signIn(page, OWNER);
  const nav = page.getByRole("navigation", { name: "Main", exact: true });
  await expect(nav.getByTestId("open-alerts-badge")).toHaveAccessibleName(/1 open alert/);
  await nav.getByRole("link", { name: /Anomalies/ }).click();
  await expect(page.getByRole("heading", { name: "Anomalies", level: 1 })).toBeVisible();

  const row = page.getByTestId("alert-row").filter({ hasText: DEMO_ALERT });
  await expect(row).toHaveCount(1);
  await row.getByRole("link", { name: DEMO_ALERT }).click();

  await expect(page.getByRole("heading", { level: 1, name: DEMO_ALERT })).toBeVisible();
  await expect(page.getByTestId("alert-reason")).toContainText(
    "robust deviations above the median",
  );
  const chart = page.getByTestId("alert-chart");
  await expect(chart).toHaveAttribute("aria-label", "Series chart with expected band");
  // The band is drawn as an area with a real shape, the series as a line, the spike as flagged dots.
  const band = chart.locator(".alert-band path.recharts-area-area");
  await expect(band).toHaveCount(1);
  expect((await band.getAttribute("d"))?.length ?? 0).toBeGreaterThan(100);
  await expect(chart.locator(".alert-flagged .alert-flagged-point").first()).toBeVisible();
  await expect(
    page
      .getByRole("list", { name: "Runs behind the alert" })
      .or(page.getByText("No runs recorded")),
  ).toBeVisible();

  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByText(/Acknowledged .* by Dana Owner/)).toBeVisible();
  await expect(nav.getByTestId("open-alerts-badge")).toHaveCount(0);
});

test("a viewer reads the anomaly settings but cannot change them", async ({ page }) => {
  await signIn(page, VIEWER, "/anomalies/settings");
  await expect(page.getByRole("heading", { name: "Anomaly settings" })).toBeVisible();
  await expect(page.getByRole("switch", { name: /Circuit breaker/ })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
});
