import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { findPlannerDelta } from "@/server/repositories/planner-deltas";
import { createTestDatabase } from "@/server/testing/database";
import { makeMemberCaller } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const CORRECTED = "Summarise the release notes in CHANGELOG.md for the support team";
const SIMILAR = "Summarise the release notes in HISTORY.md for the sales team";

describe("a tenant's corrections teach its planner", () => {
  it("a pattern chosen in the dialog changes the next proposal for a similar task, for that tenant only", async () => {
    const a = await makeMemberCaller(database.db, "owner");
    const b = await makeMemberCaller(database.db, "owner");
    expect((await a.caller.autonomy.propose({ task: SIMILAR })).pattern).toBe("single");

    // The user plans the task as parallel work instead of the proposed single agent, and creates it.
    const proposed = await a.caller.autonomy.propose({ task: CORRECTED });
    expect(proposed.pattern).toBe("single");
    const chosen = await a.caller.autonomy.propose({ task: CORRECTED, pattern: "parallel" });
    await a.caller.autonomy.createFromProposal({ task: CORRECTED, document: chosen.document });

    const next = await a.caller.autonomy.propose({ task: SIMILAR });
    expect(next.pattern).toBe("parallel");
    expect(next.reasons).toContain(
      "your corrections to earlier proposals for tasks like this chose parallel over single",
    );
    expect((await findPlannerDelta(database.db, a.tenant.id))?.corrections).toBe(1);
    // Another tenant's planner is untouched.
    expect((await b.caller.autonomy.propose({ task: SIMILAR })).pattern).toBe("single");
    expect(await findPlannerDelta(database.db, b.tenant.id)).toBeUndefined();
  });

  it("creating a proposal as proposed is no correction", async () => {
    const a = await makeMemberCaller(database.db, "owner");
    const proposed = await a.caller.autonomy.propose({ task: CORRECTED });
    await a.caller.autonomy.createFromProposal({ task: CORRECTED, document: proposed.document });
    expect(await findPlannerDelta(database.db, a.tenant.id)).toBeUndefined();
    expect((await a.caller.autonomy.propose({ task: SIMILAR })).pattern).toBe("single");
  });
});
