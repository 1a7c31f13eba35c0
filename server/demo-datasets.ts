import { DEMO_ACCOUNTS } from "@/db/seed";
import type { Db } from "@/db/client";
import type { DatasetItem, EvaluatorInput } from "@/engine/evaluation";
import { listDatasets } from "./repositories/datasets";
import { findUserByEmail } from "./repositories/users";
import { findWorkflowOfTenantSlug } from "./repositories/workflows";
import { addItems, createDataset } from "./services/datasets";
import { contextForTrigger } from "./services/trigger-context";

type DemoDataset = {
  workflow: string;
  name: string;
  description: string;
  evaluators: EvaluatorInput[];
  items: DatasetItem[];
};

const teammates = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson"];

/**
 * The demo's datasets (issue 17). "Onboarding checks" holds deterministic evaluators that the
 * seeded "Welcome a new teammate" passes with a score of 1.0 (server/demo-datasets.int.test.ts
 * evaluates it); "Reply quality" has an LLM-as-judge for the LLM workflow "Triage a support
 * ticket", which scores once an LLM provider is set up (without one, that evaluator fails with the
 * reason and the evaluation still finishes).
 */
export const DEMO_DATASETS: DemoDataset[] = [
  {
    workflow: "Welcome a new teammate",
    name: "Onboarding checks",
    description: "New teammates and the welcome note each should get.",
    evaluators: [
      {
        id: "subject",
        name: "Subject names the teammate",
        kind: "exact-match",
        outputPath: "welcome.subject",
        referencePath: "subject",
      },
      {
        id: "warm",
        name: "Body is warm",
        kind: "contains",
        outputPath: "welcome.body",
        values: ["Glad to have you", "first workflow"],
      },
      {
        id: "shape",
        name: "Note has a subject and a body",
        kind: "json-schema",
        outputPath: "welcome",
        schema: {
          type: "object",
          properties: { subject: { type: "string" }, body: { type: "string" } },
          required: ["subject", "body"],
        },
      },
      {
        id: "greets-by-name",
        name: "Body greets by name",
        kind: "regex",
        outputPath: "welcome.body",
        pattern: "^Glad to have you, [A-Z]",
      },
    ],
    items: teammates.map((name) => ({
      input: { name },
      reference: { subject: `Welcome, ${name}!` },
      tags: ["onboarding"],
    })),
  },
  {
    workflow: "Triage a support ticket",
    name: "Reply quality",
    description: "Tickets with what a good reply does; judged by a model.",
    evaluators: [
      {
        id: "helpful",
        name: "Helpful and safe reply",
        kind: "llm-judge",
        rubric:
          "Score 1 when the reply addresses the customer's actual problem, says what happens next, is polite, and never asks for a password. Score 0.5 when it is polite but vague. Score 0 when it is rude, off-topic or asks for a password.",
      },
    ],
    items: [
      {
        input: {
          subject: "Charged twice in March",
          body: "My card shows two charges of 49 EUR for March.",
          customerEmail: "lena@example.com",
        },
        reference:
          "Apologises, confirms the duplicate charge will be checked, and explains how and when a refund happens.",
        tags: ["billing"],
      },
      {
        input: {
          subject: "Cannot sign in",
          body: "The sign-in page says my password is wrong since yesterday.",
          customerEmail: "omar@example.com",
        },
        reference: "Points to the password reset link and never asks for the password.",
        tags: ["account"],
      },
      {
        input: {
          subject: "Export button does nothing",
          body: "Clicking Export on the reports page does nothing in Firefox.",
          customerEmail: "mia@example.com",
        },
        reference:
          "Thanks the customer, asks for the browser version, and says the bug is being looked into.",
        tags: ["bug"],
      },
    ],
  },
];

/**
 * Seeds the demo datasets into the "Demo" tenant as its owner (audited as the owner's changes, like
 * anything made in the app). Idempotent: a dataset that exists already (by name, on its workflow)
 * and a workflow that is gone are left alone.
 */
export async function seedDemoDatasets(db: Db): Promise<number> {
  const owner = await findUserByEmail(db, DEMO_ACCOUNTS.owner.email);
  if (!owner) return 0;
  let seeded = 0;
  for (const spec of DEMO_DATASETS) {
    const workflow = await findWorkflowOfTenantSlug(db, "demo", spec.workflow);
    if (!workflow) continue;
    if (
      (await listDatasets(db, workflow.tenantId, workflow.workflowId)).some(
        (d) => d.name === spec.name,
      )
    )
      continue;
    const ctx = await contextForTrigger(
      db,
      { tenantId: workflow.tenantId, createdBy: owner.id, createdByTokenId: null },
      { ip: null, userAgent: "demo seed" },
    );
    const dataset = await createDataset(ctx, {
      workflowId: workflow.workflowId,
      name: spec.name,
      description: spec.description,
      evaluators: spec.evaluators,
    });
    await addItems(ctx, { datasetId: dataset.id, items: spec.items });
    seeded++;
  }
  return seeded;
}
