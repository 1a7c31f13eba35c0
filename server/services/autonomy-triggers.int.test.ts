import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { workflowTriggers } from "@/db/schema";
import { createTestDatabase } from "@/server/testing/database";
import { makeMemberCaller } from "@/server/testing/factories";

/** The planner reads what would start a workflow from the task, shows it, and creates no trigger. */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const TASK = "Every weekday at 9, search the web for news about our competitors and summarize it";

describe("proposed triggers", () => {
  it("proposes a schedule with its reason, and hands it back after creating the workflow without setting it up", async () => {
    const { caller } = await makeMemberCaller(database.db, "editor");
    const proposal = await caller.autonomy.propose({ task: TASK });
    expect(proposal.triggers).toEqual([
      expect.objectContaining({
        kind: "schedule",
        cron: "0 9 * * 1-5",
        description: "every weekday at 9:00",
        phrase: "Every weekday at 9",
      }),
    ]);
    expect(
      proposal.reasons.some((r) =>
        r.startsWith("trigger: “Every weekday at 9” reads as a schedule"),
      ),
    ).toBe(true);

    // Planned as another pattern, the proposal keeps them.
    const single = await caller.autonomy.propose({ task: TASK, pattern: "single" });
    expect(single.triggers).toEqual(proposal.triggers);

    const created = await caller.autonomy.createFromProposal({
      task: TASK,
      document: proposal.document,
    });
    expect(created.triggers).toEqual(proposal.triggers);
    expect(await database.db.select().from(workflowTriggers)).toEqual([]);
  });

  it("proposes a webhook for an outside event and nothing for a task that names no start", async () => {
    const { caller } = await makeMemberCaller(database.db, "editor");
    const webhook = await caller.autonomy.propose({
      task: "When a new issue is opened on GitHub, summarize it and post the summary to our team",
    });
    expect(webhook.triggers).toEqual([
      expect.objectContaining({
        kind: "webhook",
        description: "when a new issue is opened on GitHub",
        source: "GitHub",
      }),
    ]);
    const none = await caller.autonomy.propose({
      task: "Summarize the weekly report in docs/report.md",
    });
    expect(none.triggers).toEqual([]);
  });
});
