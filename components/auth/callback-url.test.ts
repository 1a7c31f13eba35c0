import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps a path of this site", () => {
    expect(safeCallbackUrl("/runs?status=failed")).toBe("/runs?status=failed");
    // An encoded tab stays a harmless part of this site's path.
    expect(safeCallbackUrl("/%09/evil.example")).toBe("/%09/evil.example");
  });
  it.each([
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\\evil.example",
    "/./\t/evil.example",
    "javascript:alert(1)",
    "/signin",
    null,
    "",
  ])("replaces %j with the workflows page", (raw) => {
    expect(safeCallbackUrl(raw)).toBe("/workflows");
  });
});
