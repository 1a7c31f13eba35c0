import { connect, makeNode, makeWorkflow } from "./build-workflow";

/** Router (LLM mode): classify the ticket, then the matching specialist drafts the reply. */
export const supportTriage = makeWorkflow({
  name: "Triage a support ticket",
  description:
    "Classifies an incoming ticket and routes it to a billing, bug or account specialist.",
  layout: true,
  nodes: [
    makeNode("input", "ticket", {
      schema: {
        type: "object",
        properties: {
          subject: { type: "string" },
          body: { type: "string" },
          customerEmail: { type: "string" },
        },
        required: ["subject", "body"],
      },
    }),
    makeNode("router", "classify", {
      mode: "llm",
      prompt: "Subject: {{input.subject}}\n\n{{input.body}}",
      branches: [
        { name: "billing", description: "Charges, refunds, invoices, plan changes" },
        { name: "bug", description: "Something in the product is broken or behaves unexpectedly" },
        { name: "account", description: "Sign-in, access, profile or team membership" },
      ],
    }),
    makeNode("agent", "billing-agent", {
      instructions:
        "You handle billing tickets. Look up the customer's invoices, explain the charge, and offer a refund only when policy allows.",
      prompt: "Ticket from {{input.customerEmail}}: {{input.subject}}\n\n{{input.body}}",
      mcpServers: ["billing"],
      allowedTools: ["find_customer", "list_invoices"],
    }),
    makeNode("agent", "bug-agent", {
      instructions:
        "You handle bug reports. Search existing issues; if none matches, file one with steps to reproduce. Reply with the issue link.",
      prompt: "{{input.subject}}\n\n{{input.body}}",
      mcpServers: ["github"],
      allowedTools: ["search_issues", "create_issue"],
    }),
    makeNode("llm", "account-reply", {
      system: "You are a friendly support agent for account questions. Never ask for passwords.",
      prompt: "Draft a reply to: {{input.subject}}\n\n{{input.body}}",
    }),
    makeNode("llm", "general-reply", {
      prompt:
        "Draft a polite reply that asks for the details we need to help with: {{input.subject}}\n\n{{input.body}}",
    }),
    makeNode("output", "reply", { name: "reply" }),
  ],
  edges: [
    connect("ticket", "classify"),
    connect("classify", "billing-agent", "billing"),
    connect("classify", "bug-agent", "bug"),
    connect("classify", "account-reply", "account"),
    connect("classify", "general-reply", "default"),
    connect("billing-agent", "reply"),
    connect("bug-agent", "reply"),
    connect("account-reply", "reply"),
    connect("general-reply", "reply"),
  ],
});
