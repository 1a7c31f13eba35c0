import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { createMemoryBus } from "@/server/events/bus";
import { claimIdempotencyKey, isIdempotencyKeyHeld } from "@/server/repositories/idempotency-keys";
import { findRun } from "@/server/repositories/runs";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import {
  RUN_NOT_STORED,
  RunJournal,
  tenantRunsChannel,
  type PublishedRunEvent,
} from "./run-journal";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("a held run the database refuses to store", () => {
  it("ends at once for whoever follows it, and lets go of the Idempotency-Key that named it", async () => {
    const ctx = await makeTenantContext(database.db);
    const bus = createMemoryBus();
    const journal = new RunJournal(database.db, bus);
    const heard: PublishedRunEvent[] = [];
    await bus.subscribe(tenantRunsChannel(ctx.tenant.id), (message) =>
      heard.push(message as PublishedRunEvent),
    );
    // Its workflow is gone by the time the run is written (deleted meanwhile): nothing of it can be stored.
    const runId = randomUUID();
    const key = "manual::retry-me";
    await claimIdempotencyKey(
      database.db,
      { tenantId: ctx.tenant.id, key, requestHash: "h", runId },
      60_000,
    );
    const started = await journal.startRun(
      {
        id: runId,
        tenantId: ctx.tenant.id,
        workflowId: randomUUID(),
        versionId: randomUUID(),
        input: null,
        startedBy: ctx.actor.userId,
      },
      {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.actor.userId,
        actorLabel: "test",
        action: "run.start",
        targetType: "run",
        targetId: runId,
      },
      { holdMs: 60_000 },
    );
    expect(started.id).toBe(runId);
    await expect(journal.release(runId)).rejects.toThrow(/refused/);

    expect(await findRun(database.db, ctx.tenant.id, runId)).toBeUndefined();
    const last = heard.at(-1);
    expect(last).toMatchObject({
      runId,
      stored: false,
      event: { type: "run.failed", error: { code: RUN_NOT_STORED } },
    });
    expect(await isIdempotencyKeyHeld(database.db, ctx.tenant.id, key, runId)).toBe(false);
    expect(journal.heldCount(ctx.tenant.id)).toBe(0);
  });
});
