import { createHash } from "node:crypto";
import { z } from "zod";
import {
  analyzeTask,
  buildDiscoveryIndex,
  detectTriggers,
  discoverServers,
  PATTERNS,
  planWorkflow,
  refineProposal,
  replanAs,
  shortNameOf,
  toCatalogEntryInput,
  type DiscoveredServer,
  type DiscoveryIndex,
  type PlannerContext,
  type WorkflowProposal,
} from "@/engine/autonomy";
import { AppError } from "@/engine/errors";
import { detectPattern } from "@/engine/learning/preferences";
import type { LlmPort } from "@/engine/runtime/ports";
import { toInvalidInput } from "@/engine/schema/invalid-input";
import { WorkflowDocumentSchema, type WorkflowDocument } from "@/engine/schema/workflow-document";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as installations from "@/server/repositories/mcp-installations";
import type { TenantContext } from "./context";
import { getPlannerContext, recordProposal } from "./learning";
import { ensureBuiltinCatalog } from "./mcp-catalog";
import { createLlmPlanRefiner } from "./plan-refiner";
import { learnPatternChoice, loadPatternDelta } from "./planner-corrections";
import { assertDocumentSize } from "./workflow-drafts";
import { insertUnderFreeName, workflowName } from "./workflows";

/**
 * "Describe a task": the planner (engine/autonomy) over the tenant's catalog and installations,
 * with what the tenant's history taught (services/learning). The fast path needs no LLM.
 */

export const taskText = z
  .string()
  .trim()
  .min(3, "Describe the task in at least 3 characters")
  .max(2000, "At most 2,000 characters");
export const proposeInput = z.object({ task: taskText, pattern: z.enum(PATTERNS).optional() });
export const createFromProposalInput = z.object({
  task: taskText,
  document: z.unknown(),
  name: workflowName.optional(),
});
export const recommendInput = z.object({ task: taskText });

// ---------------------------------------------------------------------------------------------
// The discovery index over what the tenant sees of the catalog, built once per catalog content.
// ---------------------------------------------------------------------------------------------

type CatalogSnapshot = {
  /** A hash of the visible entries' ids, update times and tool names: a new one means a new index. */
  key: string;
  index: DiscoveryIndex;
  /** `${isBuiltin}:${name}` (what a discovered server carries) → catalog entry id. */
  idOf: ReadonlyMap<string, string>;
  /** Catalog entry id → its short name and whether it is built in, for the tenant's installations. */
  entries: ReadonlyMap<string, { shortName: string; isBuiltin: boolean }>;
};

const SNAPSHOT_LIMIT = 200;
/** Tenant id → its last snapshot, least recently used first (a Map keeps insertion order). */
const snapshots = new Map<string, CatalogSnapshot>();
const entryKey = (isBuiltin: boolean, name: string) => `${isBuiltin}:${name}`;

/** Every catalog entry the tenant sees (built-in and its own imports), as the list query gives them. */
async function listVisibleEntries(ctx: TenantContext) {
  const rows = new Map<string, catalog.CatalogListItem>();
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof catalog.listCatalog>> = await catalog.listCatalog(
      ctx.db,
      { tenantId: ctx.tenant.id, sort: "name", limit: 1000, cursor },
    );
    for (const row of page.items) rows.set(row.id, row);
    cursor = page.nextCursor;
  } while (cursor);
  return [...rows.values()];
}

/**
 * The tenant's discovery index: the visible rows are listed on every call (a light query, without
 * their server.json), and the index is rebuilt only when their ids, update times or tool names changed.
 */
async function catalogSnapshot(ctx: TenantContext): Promise<CatalogSnapshot> {
  await ensureBuiltinCatalog(ctx.db);
  const rows = await listVisibleEntries(ctx);
  const key = createHash("sha1")
    .update(
      rows
        .map((row) => `${row.id}|${row.updatedAt.getTime()}|${row.toolNames.join(",")}`)
        .sort()
        .join("\n"),
    )
    .digest("hex");
  const cached = snapshots.get(ctx.tenant.id);
  snapshots.delete(ctx.tenant.id);
  if (cached?.key === key) {
    snapshots.set(ctx.tenant.id, cached);
    return cached;
  }
  // In a fixed order: discovery breaks ties between equally fitting entries by their position.
  const full = (
    await catalog.findCatalogEntriesByIds(
      ctx.db,
      rows.map((row) => row.id),
    )
  ).sort(
    (a, b) =>
      Number(a.ownerTenantId !== null) - Number(b.ownerTenantId !== null) ||
      a.name.localeCompare(b.name),
  );
  const idOf = new Map<string, string>();
  const entries = new Map<string, { shortName: string; isBuiltin: boolean }>();
  for (const row of full) {
    const isBuiltin = row.ownerTenantId === null;
    idOf.set(entryKey(isBuiltin, row.name), row.id);
    entries.set(row.id, { shortName: shortNameOf(row.name), isBuiltin });
  }
  const index = buildDiscoveryIndex(
    full.map((row) =>
      toCatalogEntryInput(row.serverJson, row.toolNames, row.ownerTenantId === null),
    ),
  );
  const snapshot: CatalogSnapshot = { key, index, idOf, entries };
  snapshots.set(ctx.tenant.id, snapshot);
  if (snapshots.size > SNAPSHOT_LIMIT) snapshots.delete(snapshots.keys().next().value as string);
  return snapshot;
}

type InstalledNames = {
  /** Short catalog name → the installation a workflow uses for it (the planner's `serverNames`). */
  byShortName: Record<string, string>;
  /** Catalog entry id → the tenant's installation of exactly that entry. */
  byEntryId: ReadonlyMap<string, string>;
};

/**
 * The tenant's installations by what they install. Several for one name: enabled before disabled,
 * one of the built-in entry before one of a look-alike import, then by name.
 */
async function installedNames(
  ctx: TenantContext,
  snapshot: CatalogSnapshot,
): Promise<InstalledNames> {
  const rows = await installations.listAllInstallations(ctx.db, ctx.tenant.id);
  const ranked = rows
    .map((row) => ({ row, entry: snapshot.entries.get(row.catalogEntryId) }))
    .filter(
      (
        item,
      ): item is { row: (typeof rows)[number]; entry: { shortName: string; isBuiltin: boolean } } =>
        item.entry !== undefined,
    )
    .sort(
      (a, b) =>
        Number(b.row.enabled) - Number(a.row.enabled) ||
        Number(b.entry.isBuiltin) - Number(a.entry.isBuiltin) ||
        a.row.name.localeCompare(b.row.name),
    );
  const byShortName: Record<string, string> = {};
  const byEntryId = new Map<string, string>();
  for (const { row, entry } of ranked) {
    byShortName[entry.shortName] ??= row.name;
    if (!byEntryId.has(row.catalogEntryId)) byEntryId.set(row.catalogEntryId, row.name);
  }
  return { byShortName, byEntryId };
}

/** What the planner needs for this tenant: the index, learned statistics and biases, installed names. */
async function plannerContextOf(ctx: TenantContext) {
  const [snapshot, learned, patternDelta] = await Promise.all([
    catalogSnapshot(ctx),
    getPlannerContext(ctx.db, ctx.tenant.id),
    loadPatternDelta(ctx.db, ctx.tenant.id),
  ]);
  const installed = await installedNames(ctx, snapshot);
  const context: PlannerContext = {
    index: snapshot.index,
    ...(patternDelta ? { patternDelta } : {}),
    learnedFor: learned.learnedFor,
    preferences: learned.preferences,
    serverNames: installed.byShortName,
    ...(learned.preferences.preferredModel ? { model: learned.preferences.preferredModel } : {}),
  };
  return { snapshot, context, installed };
}

function serverView(
  server: DiscoveredServer,
  catalogEntryId: string | null,
  installedAs: string | null,
) {
  return {
    shortName: server.shortName,
    title: server.title,
    capability: server.capability,
    score: server.score,
    reason: server.reason,
    /** The installation used for it, or null: install it from `/marketplace/<catalogEntryId>`. */
    installedAs,
    catalogEntryId,
  };
}

const entryIdOf = (snapshot: CatalogSnapshot, server: DiscoveredServer) =>
  snapshot.idOf.get(entryKey(server.isBuiltin, server.name)) ?? null;

// ---------------------------------------------------------------------------------------------
// Use cases.
// ---------------------------------------------------------------------------------------------

/** Where the node reasons start in a proposed document's description (components/autonomy/node-reasons.ts reads them). */
export const NODE_REASONS_HEADING = "Why each node:";

/**
 * The document with the reason for each node written into its description, so the reasons stay
 * with the workflow (a node has no description field of its own).
 */
function withNodeReasons(
  document: WorkflowDocument,
  reasons: Readonly<Record<string, string>>,
): WorkflowDocument {
  const lines = document.nodes
    .filter((node) => reasons[node.id])
    .map((node) => `- ${node.id}: ${(reasons[node.id] as string).replace(/\s+/g, " ").trim()}`);
  if (lines.length === 0) return document;
  return {
    ...document,
    description: [document.description, `${NODE_REASONS_HEADING}\n${lines.join("\n")}`]
      .filter(Boolean)
      .join("\n\n"),
  };
}

function toProposalView(
  proposal: WorkflowProposal,
  snapshot: CatalogSnapshot,
  installed: InstalledNames,
) {
  return {
    task: proposal.task,
    pattern: proposal.decision.pattern,
    confidence: proposal.decision.confidence,
    runnerUp: proposal.decision.runnerUp,
    reasons: proposal.decision.reasons,
    document: withNodeReasons(proposal.document, proposal.reasons),
    nodeReasons: proposal.reasons,
    // As the agents name them: the installation of that product, whichever entry it came from.
    servers: proposal.discovery.servers.map((server) =>
      serverView(
        server,
        entryIdOf(snapshot, server),
        installed.byShortName[server.shortName] ?? null,
      ),
    ),
    /** Capabilities the task needs that no catalog entry serves: import one into the catalog. */
    missing: proposal.discovery.missing,
    /** What would start it, read from the task: shown, never created (the workflow's Triggers dialog sets them up). */
    triggers: proposal.triggers,
  };
}

export type ProposalView = ReturnType<typeof toProposalView>;

/**
 * A workflow proposed for a task, with the reasons for its pattern and each node, the servers it
 * needs (installed or not), and the document to create. `pattern` re-plans as that pattern.
 * @example await proposeWorkflow(ctx, { task: "Route each ticket to billing, bugs or sales" }) // → { pattern: "router", … }
 */
export async function proposeWorkflow(
  ctx: TenantContext,
  input: z.infer<typeof proposeInput>,
): Promise<ProposalView> {
  const { proposal, snapshot, installed } = await planFor(ctx, input);
  return toProposalView(proposal, snapshot, installed);
}

/** The fast path's proposal for the task with this tenant's context, re-planned as `pattern` when one is asked for. */
async function planFor(ctx: TenantContext, input: z.infer<typeof proposeInput>) {
  const { snapshot, context, installed } = await plannerContextOf(ctx);
  const planned = planWorkflow(input.task, context);
  const proposal =
    input.pattern && input.pattern !== planned.decision.pattern
      ? replanAs(planned, input.pattern, context)
      : planned;
  return { proposal, snapshot, context, installed };
}

/**
 * The proposal, then one pass of the tenant's model over it (better pattern, servers, agent
 * instructions): optional and never in the way. What the model suggests is checked by the engine
 * (refineProposal keeps only what compiles); a model that fails leaves the fast path's proposal,
 * with a note saying why. Without a model configured the call is refused with LLM_NOT_CONFIGURED.
 */
export async function refineWorkflowProposal(
  ctx: TenantContext,
  llm: LlmPort | undefined,
  input: z.infer<typeof proposeInput>,
) {
  if (!llm)
    throw new AppError(
      "INVALID_INPUT",
      "No model is configured for this workspace: add one under Admin → LLM providers to refine proposals",
      { reason: "LLM_NOT_CONFIGURED" },
    );
  const { proposal, snapshot, context, installed } = await planFor(ctx, input);
  const refined = await refineProposal(
    proposal,
    context,
    createLlmPlanRefiner(llm, context.model ?? null),
  );
  return {
    ...toProposalView(refined, snapshot, installed),
    refined: refined.refined,
    refinementNote: refined.refinementNote ?? null,
  };
}

/** A workflow name from a task: its words on one line, cut at a word near 80 characters. */
export function nameFromTask(task: string): string {
  const text = task.replace(/\s+/g, " ").trim();
  if (text.length <= 80) return text;
  const cut = text.slice(0, 79);
  const space = cut.lastIndexOf(" ");
  return `${(space > 40 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}

/**
 * Creates a workflow from a proposal (as the user left it in the dialog): the document as its
 * draft, the task as its description, named after the task ("(copy)" when taken). The planner's
 * own first proposal for the task is recorded, so a different pattern chosen in the dialog counts
 * among the edits learned from at the first publish.
 */
export async function createWorkflowFromProposal(
  ctx: TenantContext,
  input: z.infer<typeof createFromProposalInput>,
) {
  assertDocumentSize(input.document, "proposed workflow");
  const parsed = WorkflowDocumentSchema.safeParse(input.document);
  if (!parsed.success) throw toInvalidInput("proposed workflow", parsed.error);
  const document = parsed.data;
  const workflow = await insertUnderFreeName(
    ctx,
    {
      name: input.name ?? nameFromTask(input.task),
      description: input.task,
      document,
      nameIsChosen: input.name !== undefined,
      keepName: true,
    },
    {
      action: "workflow.create",
      metadata: { fromTask: true, nodes: document.nodes.length, edges: document.edges.length },
    },
  );
  try {
    const { context } = await plannerContextOf(ctx);
    const planned = planWorkflow(input.task, context);
    await recordProposal(ctx.db, {
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      task: input.task,
      document: planned.document,
    });
    // Another pattern chosen in the dialog is a correction: the tenant's planner learns it now.
    const chosen = detectPattern(document);
    if (chosen !== planned.decision.pattern)
      await learnPatternChoice(ctx.db, ctx.tenant.id, { task: input.task, pattern: chosen });
  } catch (error) {
    // Learning is best effort: the workflow exists, and failing here would invite a duplicate.
    console.error(
      `Recording the proposal for workflow ${workflow.id} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // The task's triggers come back so the caller can say where to set them up; none is created here.
  return { id: workflow.id, name: workflow.name, triggers: detectTriggers(input.task) };
}

/**
 * Catalog entries for a task, best first: the discovery candidates (retrieval and the learned
 * server model), then runners-up per capability, each with its reason, score (0–1) and the
 * installation using it, if any.
 */
export async function recommendServers(ctx: TenantContext, input: z.infer<typeof recommendInput>) {
  const { snapshot, context, installed } = await plannerContextOf(ctx);
  const serverBias = context.preferences?.serverBias;
  const discovery = discoverServers(snapshot.index, analyzeTask(input.task), {
    alternatives: 2,
    ...(serverBias ? { serverBias } : {}),
  });
  const seen = new Set<string>();
  const items = [];
  for (const [servers, isAlternative] of [
    [discovery.candidates, false],
    [[...discovery.alternatives].sort((a, b) => b.score - a.score), true],
  ] as const) {
    for (const server of servers) {
      const id = entryIdOf(snapshot, server);
      if (!id || seen.has(id)) continue;
      seen.add(id);
      items.push({
        ...serverView(server, id, installed.byEntryId.get(id) ?? null),
        catalogEntryId: id,
        isAlternative,
      });
    }
  }
  return { items, missing: discovery.missing };
}
