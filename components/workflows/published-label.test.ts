import { describe, expect, it } from "vitest";
import { publishedLabel } from "./published-label";

describe("the published label the list and the editor share", () => {
  it("names the latest published version", () => {
    expect(publishedLabel(2)).toBe("v2 published");
  });

  it("says a workflow never published is not published", () => {
    expect(publishedLabel(null)).toBe("not published");
  });
});
