import { describe, expect, it } from "vitest";
import { catalogSearchText, isVerifiedNamespace, toPrefixQuery } from "./mcp-catalog";

describe("catalog search words", () => {
  it("keeps letters and digits of name, title, description and tools, lower-cased", () => {
    expect(
      catalogSearchText({
        name: "io.github.acme/server-filesystem",
        title: "Filesystem",
        description: "Read files (safely)",
        toolNames: ["list_directory"],
      }),
    ).toBe("io github acme server filesystem filesystem read files safely list directory");
  });

  it("turns a search into prefix terms that all must match, and nothing into no query", () => {
    expect(toPrefixQuery("File sys")).toBe("file:* & sys:*");
    expect(toPrefixQuery("list_directory")).toBe("list:* & directory:*");
    // tsquery operators are not words, so they cannot change the query.
    expect(toPrefixQuery("a | !b & (c:*)")).toBe("a:* & b:* & c:*");
    expect(toPrefixQuery(" -- ")).toBeNull();
  });
});

describe("verified namespaces", () => {
  it("vouches for built-ins and io.github names whose repository has the same owner", () => {
    expect(isVerifiedNamespace("io.github.modelcontextprotocol/x", null, "builtin")).toBe(true);
    expect(
      isVerifiedNamespace("io.github.Acme/weather", "https://github.com/acme/weather", "registry"),
    ).toBe(true);
    expect(
      isVerifiedNamespace(
        "io.github.acme/weather",
        "https://github.com/mallory/weather",
        "registry",
      ),
    ).toBe(false);
    expect(
      isVerifiedNamespace("com.acme/weather", "https://github.com/acme/weather", "registry"),
    ).toBe(false);
    expect(isVerifiedNamespace("io.github.acme/weather", undefined, "registry")).toBe(false);
  });
});
