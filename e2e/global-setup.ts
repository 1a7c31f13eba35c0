import { resolveChromium } from "./browser";

/** Runs once before the workers start; they inherit the variable and playwright.config.ts reads it. */
export default async function globalSetup() {
  process.env.E2E_CHROMIUM_EXECUTABLE = await resolveChromium();
}
