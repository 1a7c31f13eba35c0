import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { listAuditLogs } from "@/server/repositories/audit";
import { createTestDatabase } from "@/server/testing/database";
import { expectTrpcError, makeMemberCaller } from "@/server/testing/factories";

/** Exposing, renaming and hiding workflows as MCP tools, through the router as the tab calls it. */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const echo = makeWorkflow({
  name: "Echo",
  nodes: [
    makeNode("input", "in", { schema: { type: "string" } }),
    makeNode("transform", "say", { template: { said: "{{input}}" } }),
    makeNode("output", "out", { name: "echo" }),
  ],
  edges: chain("in", "say", "out"),
});

async function setup() {
  const member = await makeMemberCaller(database.db, "editor");
  const create = async (name: string, publish = true) => {
    const workflow = await member.caller.workflow.create({ name });
    const { version } = await member.caller.workflow.get({ id: workflow.id });
    await member.caller.workflow.saveDraft({
      id: workflow.id,
      baseVersion: version,
      document: { ...echo, name },
    });
    if (publish) await member.caller.workflow.publish({ workflowId: workflow.id });
    return workflow;
  };
  return { ...member, create };
}

describe("mcpTool", () => {
  it("exposes a published workflow under a name made from its own, numbered when taken, and lists it with its schemas", async () => {
    const { caller, create } = await setup();
    const first = await create("Say it back");
    const second = await create("Say it, back");
    expect(await caller.mcpTool.get({ workflowId: first.id })).toMatchObject({
      tool: null,
      suggestedName: "say_it_back",
      workflow: { isPublished: true },
    });
    expect(await caller.mcpTool.expose({ workflowId: first.id })).toMatchObject({
      toolName: "say_it_back",
    });
    expect(
      await caller.mcpTool.expose({ workflowId: second.id, description: "Says it again." }),
    ).toMatchObject({ toolName: "say_it_back_2" });

    const tools = await caller.mcpTool.list();
    expect(tools.map((t) => [t.name, t.description])).toEqual([
      ["say_it_back", 'Runs the Maestro workflow "Say it back" and returns its output.'],
      ["say_it_back_2", "Says it again."],
    ]);
    // The workflow takes a string: the tool takes it as `input`.
    expect(tools[0]!.inputSchema).toEqual({
      type: "object",
      properties: { input: { type: "string" } },
      required: ["input"],
    });
  });

  it("refuses a workflow without a published version, and a name another workflow uses, saying why", async () => {
    const { caller, create } = await setup();
    const draft = await create(`Draft ${randomBytes(2).toString("hex")}`, false);
    expect(
      (await expectTrpcError(caller.mcpTool.expose({ workflowId: draft.id }), "BAD_REQUEST"))
        .message,
    ).toMatch(/Publish .* first/);

    const a = await create("Alpha");
    const b = await create("Beta");
    await caller.mcpTool.expose({ workflowId: a.id, toolName: "lookup" });
    await caller.mcpTool.expose({ workflowId: b.id });
    const taken = await expectTrpcError(
      caller.mcpTool.update({ workflowId: b.id, toolName: "lookup" }),
      "CONFLICT",
    );
    expect(taken.message).toMatch(/"lookup" is already used by another workflow/);
    await expectTrpcError(
      caller.mcpTool.expose({ workflowId: b.id, toolName: "bad name" }),
      "BAD_REQUEST",
    );
  });

  it("renames, describes and hides a tool, each audited; another tenant reaches none of it", async () => {
    const { caller, tenant, create } = await setup();
    const workflow = await create("Gamma");
    await caller.mcpTool.expose({ workflowId: workflow.id });
    expect(
      await caller.mcpTool.update({
        workflowId: workflow.id,
        toolName: "gamma_v2",
        description: "The second gamma.",
      }),
    ).toMatchObject({
      toolName: "gamma_v2",
      description: "The second gamma.",
    });
    const outsider = await makeMemberCaller(database.db, "owner");
    await expectTrpcError(outsider.caller.mcpTool.hide({ workflowId: workflow.id }), "NOT_FOUND");
    await expectTrpcError(outsider.caller.mcpTool.get({ workflowId: workflow.id }), "NOT_FOUND");
    expect(await outsider.caller.mcpTool.list()).toEqual([]);

    await caller.mcpTool.hide({ workflowId: workflow.id });
    expect((await caller.mcpTool.get({ workflowId: workflow.id })).tool).toBeNull();
    await expectTrpcError(caller.mcpTool.hide({ workflowId: workflow.id }), "NOT_FOUND");

    const { items } = await listAuditLogs(database.db, {
      tenantId: tenant.id,
      targetId: workflow.id,
      limit: 20,
    });
    expect(items.map((i) => i.action)).toEqual(
      expect.arrayContaining(["mcp_tool.expose", "mcp_tool.update", "mcp_tool.hide"]),
    );
    expect(items.find((i) => i.action === "mcp_tool.update")?.metadata).toMatchObject({
      toolName: "gamma_v2",
      previousToolName: "gamma",
    });
  });
});
