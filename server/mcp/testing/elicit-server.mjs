// A real MCP server over stdio (SDK 1.x, protocol 2025-11-25) whose tools ask the person behind
// the call for input (elicitation), for the tool runner's and the runs' tests:
// - ask-form: a form with every primitive kind; answers with what it got, or says it was declined
// - ask-url: URL mode; with {complete: true} it also sends notifications/elicitation/complete
// - ask-nested: a form with a nested object, which clients of 2025-11-25 must refuse
// - ask-with-progress: asks for a name, then reports progress while the person answers
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema,
  ElicitResultSchema,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

const server = new Server(
  { name: "elicit-test", version: "1.0.0" },
  { capabilities: { tools: {} } },
);

const empty = { type: "object", properties: {} };
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: "ask-form", description: "Asks for a name, a count and a colour", inputSchema: empty },
    {
      name: "ask-url",
      description: "Sends the person to a page",
      inputSchema: { type: "object", properties: { complete: { type: "boolean" } } },
    },
    { name: "ask-nested", description: "Asks with a nested schema", inputSchema: empty },
    {
      name: "ask-with-progress",
      description: "Asks for a name and reports progress while waiting",
      inputSchema: empty,
    },
  ],
}));

const text = (t, isError = false) => ({ content: [{ type: "text", text: t }], isError });

server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
  const ask = (params) =>
    server.elicitInput(params, { relatedRequestId: extra.requestId, timeout: 24 * 3600_000 });
  try {
    switch (request.params.name) {
      case "ask-form": {
        const answer = await ask({
          mode: "form",
          message: "Who is ordering?",
          requestedSchema: {
            type: "object",
            properties: {
              name: { type: "string", title: "Name", minLength: 2 },
              count: { type: "integer", title: "Count", minimum: 1, maximum: 5, default: 1 },
              colour: { type: "string", title: "Colour", enum: ["red", "blue"] },
              gift: { type: "boolean", title: "Gift wrap" },
            },
            required: ["name", "count"],
          },
        });
        if (answer.action !== "accept") return text(`no order: ${answer.action}`, true);
        return text(`order for ${answer.content.name} x${answer.content.count}`);
      }
      case "ask-url": {
        const elicitationId = `pay-${Date.now()}`;
        const pending = ask({
          mode: "url",
          message: "Confirm the payment on our page",
          url: `https://pay.example.com/confirm/${elicitationId}`,
          elicitationId,
        });
        if (request.params.arguments?.complete)
          await server.notification({
            method: "notifications/elicitation/complete",
            params: { elicitationId },
          });
        const answer = await pending;
        return text(`payment ${answer.action}`, answer.action !== "accept");
      }
      case "ask-nested": {
        // Sent as a raw request: the SDK's elicitInput would refuse this schema before sending it.
        const answer = await server.request(
          {
            method: "elicitation/create",
            params: {
              message: "Address?",
              requestedSchema: {
                type: "object",
                properties: {
                  address: { type: "object", properties: { street: { type: "string" } } },
                },
              },
            },
          },
          ElicitResultSchema,
          { relatedRequestId: extra.requestId },
        );
        return text(`got ${answer.action}`);
      }
      case "ask-with-progress": {
        const pending = ask({
          mode: "form",
          message: "Your name?",
          requestedSchema: { type: "object", properties: { name: { type: "string" } } },
        });
        const progressToken = request.params._meta?.progressToken;
        if (progressToken !== undefined)
          await extra.sendNotification({
            method: "notifications/progress",
            params: { progressToken, progress: 1, message: "waiting for a person" },
          });
        const answer = await pending;
        return text(`hello ${answer.content?.name ?? answer.action}`);
      }
      default:
        return text(`unknown tool ${request.params.name}`, true);
    }
  } catch (error) {
    return text(`asking failed: ${error instanceof Error ? error.message : String(error)}`, true);
  }
});

await server.connect(new StdioServerTransport());
