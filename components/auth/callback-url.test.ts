import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps a path of this site", () => {
    expect(safeCallbackUrl("/runs?status=failed")).toBe("/runs?status=failed");
  });
  it.each(["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/signin", null, ""])(
    "replaces %j with the workflows page",
    (raw) => {
      expect(safeCallbackUrl(raw)).toBe("/workflows");
    },
  );
});
