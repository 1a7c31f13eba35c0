import { describe, expect, it } from "vitest";
import { chain, makeNode, makeWorkflow } from "../examples";
import { listServerReferences, uninstalledServerWarnings } from "./server-references";

const doc = makeWorkflow({
  name: "Servers",
  nodes: [
    makeNode("input", "in"),
    makeNode("tool", "read", {
      server: "files",
      tool: "read_text_file",
      args: { server: "not a server reference" },
    }),
    makeNode("agent", "helper", { instructions: "Help", mcpServers: ["files", "search"] }),
    makeNode("orchestrator", "lead", {
      instructions: "Lead",
      worker: { instructions: "Work", mcpServers: ["git"] },
    }),
    makeNode("swarm", "desk", {
      agents: [
        { name: "front", instructions: "Greet" },
        { name: "docs", instructions: "Answer", mcpServers: ["wiki"] },
      ],
    }),
    makeNode("output", "out", { name: "result" }),
  ],
  edges: chain("in", "read", "helper", "lead", "desk", "out"),
});

describe("server references", () => {
  it("lists every server a node names, with the field that names it (tool arguments are not references)", () => {
    expect(listServerReferences(doc)).toEqual([
      { nodeId: "read", field: "config.server", server: "files" },
      { nodeId: "helper", field: "config.mcpServers[0]", server: "files" },
      { nodeId: "helper", field: "config.mcpServers[1]", server: "search" },
      { nodeId: "lead", field: "config.worker.mcpServers[0]", server: "git" },
      { nodeId: "desk", field: "config.agents[1].mcpServers[0]", server: "wiki" },
    ]);
  });

  it("warns, on the node and field, about servers the tenant has not installed", () => {
    const warnings = uninstalledServerWarnings(doc, new Set(["files", "git"]));
    expect(warnings.map((w) => [w.severity, w.code, w.nodeId, w.field])).toEqual([
      ["warning", "SERVER_NOT_FOUND", "helper", "config.mcpServers[1]"],
      ["warning", "SERVER_NOT_FOUND", "desk", "config.agents[1].mcpServers[0]"],
    ]);
    expect(warnings[0]!.message).toMatch(/No MCP server named "search" is installed/);
  });
});
