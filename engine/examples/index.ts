import type { WorkflowDocument } from "../schema/workflow-document";
import { blogApproval } from "./blog-approval";
import { codeReview } from "./code-review";
import { customerReply } from "./customer-reply";
import { invoiceEscalation } from "./invoice-escalation";
import { launchPlan } from "./launch-plan";
import { researchBrief } from "./research-brief";
import { supportTriage } from "./support-triage";
import { travelBooking } from "./travel-booking";

export { chain, connect, makeNode, makeWorkflow } from "./build-workflow";

/** One workflow per pattern, keyed by a stable slug: test fixtures and canvas templates. */
export const EXAMPLE_WORKFLOWS = {
  "research-brief": researchBrief,
  "support-triage": supportTriage,
  "code-review": codeReview,
  "launch-plan": launchPlan,
  "customer-reply": customerReply,
  "travel-booking": travelBooking,
  "blog-approval": blogApproval,
  "invoice-escalation": invoiceEscalation,
} satisfies Record<string, WorkflowDocument>;

export type ExampleSlug = keyof typeof EXAMPLE_WORKFLOWS;

/** The catalog of MCP servers and tools the examples use, for compiling them with tool checks on. */
export const EXAMPLE_TOOL_CATALOG: Record<string, string[]> = {
  "web-search": ["search", "fetch_page"],
  billing: ["find_customer", "list_invoices"],
  github: ["search_issues", "create_issue"],
  flights: ["search_flights"],
  hotels: ["search_hotels"],
  cms: ["create_post"],
  email: ["send_email"],
};
