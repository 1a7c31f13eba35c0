import { chain, connect, makeNode, makeWorkflow } from "./build-workflow";

/** Tool + transform + condition: fetch open invoices, shape them, and email collections only if any are overdue. */
export const invoiceEscalation = makeWorkflow({
  name: "Escalate overdue invoices",
  description:
    "Looks up a customer's open invoices and emails the collections team when any are overdue.",
  layout: true,
  nodes: [
    makeNode("input", "customer", {
      schema: {
        type: "object",
        properties: { customerId: { type: "string" } },
        required: ["customerId"],
      },
    }),
    makeNode(
      "tool",
      "list-invoices",
      {
        server: "billing",
        tool: "list_invoices",
        args: { customerId: "{{input.customerId}}", status: "open" },
      },
      { policy: { timeoutMs: 20_000, retry: { maxAttempts: 2, initialDelayMs: 500 } } },
    ),
    makeNode("transform", "summarize", {
      template: {
        customerId: "{{input.customerId}}",
        overdueCount: "{{value.overdueCount}}",
        invoices: "{{value.invoices}}",
      },
    }),
    makeNode("condition", "any-overdue", { when: "value.overdueCount > 0" }),
    makeNode("tool", "email-collections", {
      server: "email",
      tool: "send_email",
      args: {
        to: "collections@example.com",
        subject: "{{value.overdueCount}} overdue invoices for customer {{input.customerId}}",
        body: "{{value.invoices}}",
      },
    }),
    makeNode("output", "escalated", { name: "escalated" }),
    makeNode("transform", "all-clear", {
      template: { customerId: "{{input.customerId}}", status: "nothing overdue" },
    }),
    makeNode("output", "status", { name: "status" }),
  ],
  edges: [
    ...chain("customer", "list-invoices", "summarize", "any-overdue"),
    connect("any-overdue", "email-collections", "true"),
    connect("email-collections", "escalated"),
    connect("any-overdue", "all-clear", "false"),
    connect("all-clear", "status"),
  ],
});
