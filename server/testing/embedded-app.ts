/**
 * Stands in for `npm start` on the embedded default in process tests (server/app-restart.int.test.ts):
 * the app's own start-up (server/boot.ts: the PGlite folder under DATA_DIR and its lock,
 * migrations, run workers in the process, the SIGTERM handler), without Next's HTTP server, which
 * would need a build. It takes commands on stdin, one JSON object a line, and answers on stdout:
 *   {"setup": true}              → `workflow <id>`: a tenant, an editor and a workflow of two LLM steps (model local/fake)
 *   {"burst": {"count": n}}      → starts n runs of it at once: `accepted <i> <runId>` or `refused <i> <why>` for each
 *   {"settle": true}                           → `settled` once no run is queued or running
 */
import { createInterface } from "node:readline";
import { inArray, sql } from "drizzle-orm";
import { runs } from "@/db/schema";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { bootServer } from "@/server/boot";
import { getDatabase } from "@/server/db";
import { insertMembership, insertTenant } from "@/server/repositories/tenants";
import { insertUser } from "@/server/repositories/users";
import { insertWorkflow } from "@/server/repositories/workflows";
import { getRunSystem } from "@/server/run-system";
import type { TenantContext } from "@/server/services/context";
import { startRun } from "@/server/services/runs";

const twoModelCalls = makeWorkflow({
  name: "Two model calls",
  nodes: [
    makeNode("input", "in"),
    makeNode("llm", "first", { model: "local/fake", prompt: "first step of {{input.tag}}" }),
    makeNode("llm", "second", { model: "local/fake", prompt: "second step of {{input.tag}}" }),
    makeNode("output", "out", { name: "done", value: null }),
  ],
  edges: chain("in", "first", "second", "out"),
});

let made: { ctx: TenantContext; workflowId: string } | undefined;

async function handle(command: Record<string, unknown>): Promise<void> {
  const { db } = await getDatabase();
  if (command.setup) {
    // Not server/testing/factories.ts: it imports vitest, which this process is not.
    const tenant = await insertTenant(db, { name: "Burst", slug: `burst-${process.pid}` });
    const user = await insertUser(db, {
      email: `burst-${process.pid}@example.test`,
      name: "Burst",
      passwordHash: null,
      isSuperadmin: false,
    });
    await insertMembership(db, { tenantId: tenant.id, userId: user.id, role: "editor" });
    const ctx: TenantContext = {
      db,
      actor: { userId: user.id, email: user.email, name: user.name, isSuperadmin: false },
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "editor" },
      meta: { ip: "127.0.0.1", userAgent: "embedded-app" },
    };
    const workflow = await insertWorkflow(db, {
      tenantId: ctx.tenant.id,
      name: "Two model calls",
      description: "",
      document: twoModelCalls,
      createdBy: ctx.actor.userId,
    });
    made = { ctx, workflowId: workflow.id };
    console.log(`workflow ${workflow.id}`);
  } else if (command.burst) {
    const { count } = command.burst as { count: number };
    const { ctx, workflowId } = made!;
    const { runDeps } = await getRunSystem();
    await Promise.all(
      Array.from({ length: count }, async (_, n) => {
        try {
          const run = await startRun(ctx, runDeps, {
            workflowId,
            draft: true,
            input: { tag: `run${n}x` },
          });
          console.log(`accepted ${n} ${run.id}`);
        } catch (error) {
          console.log(`refused ${n} ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
  } else if (command.settle) {
    for (;;) {
      const [row] = await db
        .select({ open: sql<number>`count(*)`.mapWith(Number) })
        .from(runs)
        .where(inArray(runs.status, ["queued", "running"]));
      if (row!.open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log("settled");
  }
}

async function main() {
  await bootServer();
  console.log(`app ${process.pid} ready`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim())
      await handle(JSON.parse(line) as Record<string, unknown>).catch((error: unknown) =>
        console.log(`error ${String(error)}`),
      );
  }
}

void main();
