import { describe, expect, it } from "vitest";
import { serverChoices } from "./server-choices";

describe("the MCP servers an agent node offers", () => {
  it("lists a server the node names but the tenant has not installed, so it can be unticked", () => {
    expect(serverChoices(["files", "memory"], ["memory", "github"])).toEqual([
      { name: "files", isInstalled: true },
      { name: "memory", isInstalled: true },
      { name: "github", isInstalled: false },
    ]);
  });

  it("lists the node's servers when nothing is installed", () => {
    expect(serverChoices([], ["github", "github"])).toEqual([
      { name: "github", isInstalled: false },
    ]);
  });

  it("offers nothing when nothing is installed or named", () => {
    expect(serverChoices([], [])).toEqual([]);
  });
});
