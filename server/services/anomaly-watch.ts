import type { Db } from "@/db/client";
import type { AlertAction, AnomalyRules } from "@/db/schema";
import {
  decideAlert,
  listEvaluations,
  type AlertEvaluation,
  type AlertPolicy,
  type SeriesAlert,
} from "@/engine/anomaly/alert-lifecycle";
import { SHIFT_ONSET_MAX_LAG } from "@/engine/anomaly/scan-series";
import type { Anomaly, DetectionResult, MetricPoint } from "@/engine/anomaly/types";
import type { EventBus } from "@/server/events/bus";
import type { BreakerRegistry } from "@/server/mcp/breakers";
import * as alertsRepo from "@/server/repositories/alerts";
import { isUniqueViolation } from "@/server/repositories/errors";
import {
  findRollups,
  listTenantsWithRollups,
  pruneRollups,
  type RollupRow,
} from "@/server/repositories/metric-rollups";
import { countQueuedRunsByTenant } from "@/server/repositories/runs";
import { findWorkflowHead } from "@/server/repositories/workflows";
import { applyRemediation, auditAsWatcher } from "./alert-remediation";
import { sendAlertWebhook, type AlertWebhookEvent } from "./alert-webhooks";
import type { MetricRecorder } from "./metric-recorder";
import {
  detectOn,
  formatMetricValue,
  pointsOf,
  resolutionMs,
  WATCHED_METRICS,
  type WatchedMetric,
} from "./watched-series";

/** An alert resolves by itself after this many evaluated points back inside the band. */
export const CALM_POINTS_TO_RESOLVE = 3;
const EVIDENCE_POINTS = 50;
const EVIDENCE_RUNS = 20;

export const DEFAULT_RULES: AnomalyRules = {
  circuitBreaker: false,
  fallbackServer: false,
  pauseWorkflow: false,
  tightenRate: false,
};

/** The channel that tells a tenant's pages its alerts changed (the sidebar badge, the list). */
export const tenantAlertsChannel = (tenantId: string) => `tenant:${tenantId}:alerts`;

export interface WatchDeps {
  db: Db;
  bus: EventBus;
  breakers: BreakerRegistry;
  /** Rollup bucket width (ms): the resolution of the minute series. */
  bucketMs: number;
  /** Flushed before each evaluation, and given the queue's depth. */
  metrics?: MetricRecorder;
  /** A tenant's concurrent-run limit when it has none of its own (for the tighten-rate rule). */
  defaultMaxConcurrentRuns: number;
  /** What the watcher remembers between passes in this process (createWatcherMemory()). */
  memory: WatcherMemory;
  fetch?: typeof fetch;
}

/**
 * What the watcher remembers between passes, in this process only: a restarted process starts
 * empty and reads from the alerts what was already judged.
 */
export type WatcherMemory = {
  /** Each tenant evaluated since this process started. */
  tenants: Map<string, TenantMemory>;
  /** When old rollups were last deleted (epoch ms; 0 before the first time). */
  lastPrunedAt: number;
};

type TenantMemory = {
  /**
   * Per metric, then subject: the newest point judged while the series had no open alert (an open
   * alert keeps its own `lastEvaluatedAt`), so each point is judged once.
   */
  judgedUntil: Map<string, Map<string, number>>;
  /** Per hourly metric: the last complete hour already read; until the next one there is nothing new. */
  hourRead: Map<string, number>;
  /**
   * Per metric, then subject: the newest point any alert of the series judged (read from the
   * alerts on the first pass, then kept up from the open alerts each pass reads and the series'
   * alerts looked at before opening one, so also another process's): a level shift flagged late is
   * news only after it.
   */
  alertedUntil: Map<string, Map<string, number>>;
  /**
   * Per series: its webhooks still being sent, the newest last; the next waits for it, so a
   * receiver hears a series' alerts in order, also across passes (dropped once sent).
   */
  webhooks: Map<string, Promise<unknown>>;
};

/** A watcher's empty memory, for a new process. */
export function createWatcherMemory(): WatcherMemory {
  return { tenants: new Map(), lastPrunedAt: 0 };
}

/** The value stored for one series (a metric and a subject) in a map of maps, created on first use. */
function ofSeries<T>(byMetric: Map<string, Map<string, T>>, metric: string): Map<string, T> {
  let bySubject = byMetric.get(metric);
  if (!bySubject) {
    bySubject = new Map();
    byMetric.set(metric, bySubject);
  }
  return bySubject;
}

export interface WatchOutcome {
  opened: alertsRepo.AlertRow[];
  updated: alertsRepo.AlertRow[];
  resolved: alertsRepo.AlertRow[];
}

/** What the alert's subject is called on the page. */
async function labelOf(
  db: Db,
  tenantId: string,
  m: WatchedMetric,
  subject: string,
): Promise<string> {
  if (m.source === "workflow") {
    const workflow = await findWorkflowHead(db, tenantId, subject);
    if (workflow) return `workflow "${workflow.name}"`;
  }
  return m.source === "node_kind"
    ? `${subject} steps`
    : m.source === "mcp" || m.source === "mcp_health"
      ? `MCP server "${subject}"`
      : m.source === "queue"
        ? "the run queue"
        : m.source === "tenant"
          ? "this tenant"
          : subject;
}

/** Failed runs behind an alert: of its workflow, or with a failed step of its kind, or the tenant's. */
function evidenceRuns(
  db: Db,
  tenantId: string,
  m: WatchedMetric,
  subject: string,
  since: Date,
): Promise<string[]> {
  const of =
    m.source === "node_kind"
      ? { stepKind: subject }
      : m.source === "workflow"
        ? { workflowId: subject }
        : {};
  return alertsRepo.findFailedRunIds(db, tenantId, { ...of, since, limit: EVIDENCE_RUNS });
}

/** On a series' first evaluation in this process, its last few points are judged. */
const FIRST_LOOK_POINTS = 3;

/**
 * Level shifts flagged at onsets already judged. The detector flags a shift at its onset only once
 * enough points lie beyond it (at most SHIFT_ONSET_MAX_LAG), by which time the watcher has judged
 * the onset as an ordinary point inside its band; so the points that far back from the first new
 * one are looked at again, for level shifts only (any other flag is judged once, as a new point).
 * Only onsets after everything the series' alerts judged count (`alertedUntil`, from the database
 * after a restart and before opening an alert), so each shift alerts once. A sum of runs judges
 * its amount per run only at periods with an amount, so its look-back counts those.
 */
export function listLateOnsets(
  seriesId: string,
  m: Pick<WatchedMetric, "sumOfRuns">,
  points: readonly MetricPoint[],
  detection: Pick<DetectionResult, "anomalies">,
  afterAt: number,
  alertedUntil: number,
): AlertEvaluation[] {
  const firstNew = points.findIndex(([at]) => at > afterAt);
  if (firstNew <= 0) return [];
  let from = firstNew;
  for (let counted = 0; from > 0 && counted < SHIFT_ONSET_MAX_LAG;) {
    from--;
    if (!m.sumOfRuns || (points[from] as MetricPoint)[1] > 0) counted++;
  }
  const since = Math.max((points[from] as MetricPoint)[0] - 1, alertedUntil);
  return detection.anomalies
    .filter((a) => a.detector === "level-shift" && a.at > since && a.at <= afterAt)
    .map((a) => ({
      seriesId,
      at: a.at,
      value: a.value,
      band: a.band,
      anomaly: { score: a.score, reason: a.reason, detector: a.detector },
    }));
}

/**
 * The most spells of one series a pass tells apart: each costs a few writes and two webhooks, and
 * a pass may see a whole window of points when passes are far apart. Beyond it, the earliest
 * spells are told as one (from the first's start to the last's end).
 */
export const MAX_SPELLS_PER_PASS = 5;

/**
 * Every spell of a series among a pass's evaluations, in order, by the engine's alert lifecycle:
 * the first continues `previous` when it is open (and is `previous` itself when nothing changed);
 * all but the last are resolved. Folding keeps only the last, which would lose a spell that ended
 * before another began within the pass. Spells opened in the pass past MAX_SPELLS_PER_PASS are
 * merged, the earliest together.
 */
export function listSpells(
  previous: SeriesAlert | null,
  evaluations: readonly AlertEvaluation[],
  policy: Partial<AlertPolicy> = {},
): SeriesAlert[] {
  const spells: SeriesAlert[] = previous?.status === "open" ? [previous] : [];
  for (const evaluation of evaluations) {
    const last = spells.at(-1);
    const decision = decideAlert(last?.status === "open" ? last : null, evaluation, policy);
    if (!decision.alert || decision.action === "none") continue;
    if (decision.action === "open") spells.push(decision.alert);
    else spells[spells.length - 1] = decision.alert;
  }
  const continued = previous?.status === "open" ? 1 : 0;
  const excess = spells.length - continued - MAX_SPELLS_PER_PASS;
  if (excess <= 0) return spells;
  const merged = spells.slice(continued, continued + excess + 1);
  const first = merged[0] as SeriesAlert;
  const peak = merged.reduce((a, b) => (b.peakScore > a.peakScore ? b : a));
  return [
    ...spells.slice(0, continued),
    {
      ...(merged.at(-1) as SeriesAlert),
      openedAt: first.openedAt,
      severity: peak.severity,
      peakScore: peak.peakScore,
      occurrences: merged.reduce((sum, s) => sum + s.occurrences, 0),
    },
    ...spells.slice(continued + excess + 1),
  ];
}

/** The database's alert row as the engine's alert lifecycle sees it. */
function toSeriesAlert(row: alertsRepo.AlertRow): SeriesAlert {
  return {
    seriesId: `${row.metric}:${row.subject}`,
    status: "open",
    severity: row.severity,
    openedAt: row.startedAt.getTime(),
    lastSeenAt: row.lastSeenAt.getTime(),
    lastEvaluatedAt: row.lastEvaluatedAt.getTime(),
    resolvedAt: null,
    peakScore: row.score,
    occurrences: row.occurrences,
    calmPoints: row.calmCount,
    evidence: {
      at: row.lastSeenAt.getTime(),
      value: row.value,
      score: row.score,
      band: [row.bandLow, row.bandHigh],
      reason: row.reason,
      detector: "robust-z",
    },
  };
}

/** What an alert's row takes from the lifecycle's alert (the fields that change while it is open). */
function rowFieldsOf(alert: SeriesAlert, previousPoints: [number, number][]) {
  return {
    severity: alert.severity,
    score: alert.peakScore,
    value: alert.evidence.value,
    bandLow: alert.evidence.band[0],
    bandHigh: alert.evidence.band[1],
    lastSeenAt: new Date(alert.lastSeenAt),
    lastEvaluatedAt: new Date(alert.lastEvaluatedAt),
    occurrences: alert.occurrences,
    calmCount: alert.calmPoints,
    points:
      previousPoints.at(-1)?.[0] === alert.evidence.at
        ? previousPoints
        : [...previousPoints, [alert.evidence.at, alert.evidence.value] as [number, number]].slice(
            -EVIDENCE_POINTS,
          ),
  };
}

/**
 * Evaluates every watched series of one tenant from the rollups up to `now`, and opens, updates or
 * resolves its alerts through the engine's alert lifecycle (engine/anomaly/alert-lifecycle.ts):
 * one alert per series while the anomaly lasts, resolved by itself after CALM_POINTS_TO_RESOLVE
 * points back inside the band; every point is judged once, and a level shift the detector flags
 * at an onset already judged is looked back for (`listLateOnsets`) and alerts once. Each spell
 * among a pass's points is an alert of its own (`listSpells`). A new alert runs the tenant's
 * remediation rules and its webhook (a spell over within the pass only the webhook); a series'
 * webhooks are sent one after another, so "opened" comes before "resolved". Other processes run
 * the watcher on the same alerts with memories of their own: before opening, the series' alerts
 * are looked at once, and a spell one of them covers is not told again. All changes are audited
 * as the anomaly watcher.
 */
export async function evaluateTenant(
  deps: WatchDeps,
  tenantId: string,
  now: number,
): Promise<WatchOutcome> {
  const { db } = deps;
  const outcome: WatchOutcome = { opened: [], updated: [], resolved: [] };
  const settings = await alertsRepo.findAnomalySettings(db, tenantId);
  // Open alerts by metric, then subject.
  const active = new Map<string, Map<string, alertsRepo.AlertRow>>();
  for (const alert of await alertsRepo.listActiveAlerts(db, tenantId))
    ofSeries(active, alert.metric).set(alert.subject, alert);
  // First pass over this tenant in this process: series its alerts judged already start after that
  // point, so a restart does not alert again on what a person already resolved.
  let memory = deps.memory.tenants.get(tenantId);
  const judgedByAlerts = memory ? null : await alertsRepo.findJudgedUntil(db, tenantId);
  if (!memory) {
    memory = {
      judgedUntil: new Map(),
      hourRead: new Map(),
      webhooks: new Map(),
      alertedUntil: new Map(
        [...(judgedByAlerts ?? [])].map(([metric, bySubject]) => [metric, new Map(bySubject)]),
      ),
    };
    deps.memory.tenants.set(tenantId, memory);
  }
  const webhooks = memory.webhooks;

  const rowsBySource = new Map<string, Map<string, RollupRow[]>>();
  for (const m of WATCHED_METRICS) {
    const step = resolutionMs(m, deps.bucketMs);
    if (step > deps.bucketMs) {
      // An hourly series has a new point once an hour: until then there is nothing to read or judge.
      const completeUntil = Math.floor(now / step) * step;
      if (memory.hourRead.get(m.metric) === completeUntil) continue;
      memory.hourRead.set(m.metric, completeUntil);
    }
    const from = now - m.windowPoints * step;
    const cacheKey = `${m.source}:${from}`;
    let bySubject = rowsBySource.get(cacheKey);
    if (!bySubject) {
      bySubject = new Map();
      for (const row of await findRollups(db, {
        tenantId,
        source: m.source,
        since: new Date(from),
      })) {
        const list = bySubject.get(row.subject) ?? [];
        list.push(row);
        bySubject.set(row.subject, list);
      }
      rowsBySource.set(cacheKey, bySubject);
    }

    const reporting = new Set<string>();
    const judgedUntil = ofSeries(memory.judgedUntil, m.metric);
    const alertedUntil = ofSeries(memory.alertedUntil, m.metric);
    const activeOfMetric = active.get(m.metric);
    for (const [subject, rows] of bySubject) {
      const points = pointsOf(m, rows, step, from, now);
      const lastAt = points.at(-1)?.[0];
      if (lastAt === undefined) continue;
      reporting.add(subject);
      const existing = activeOfMetric?.get(subject);
      const firstLook = Math.max(
        (points.at(-FIRST_LOOK_POINTS)?.[0] ?? lastAt) - 1,
        judgedByAlerts?.get(m.metric)?.get(subject) ?? -Infinity,
      );
      const afterAt = existing?.lastEvaluatedAt.getTime() ?? judgedUntil.get(subject) ?? firstLook;
      let alertedAt = Math.max(
        alertedUntil.get(subject) ?? -Infinity,
        existing?.lastEvaluatedAt.getTime() ?? -Infinity,
      );
      judgedUntil.set(subject, lastAt);
      // An open alert counts also when another process keeps it (then this one may judge nothing).
      if (existing) alertedUntil.set(subject, alertedAt);
      if (lastAt <= afterAt) continue;
      const detection = detectOn(m, points, rows, step, settings);
      const seriesId = `${m.metric}:${subject}`;
      const alerting =
        m.alertOn === "both"
          ? detection
          : { ...detection, anomalies: detection.anomalies.filter((a) => a.direction === "up") };
      const spells = listSpells(
        existing ? toSeriesAlert(existing) : null,
        [
          ...listLateOnsets(seriesId, m, points, alerting, afterAt, alertedAt),
          ...listEvaluations(seriesId, points, alerting, afterAt),
        ],
        { resolveAfterPoints: CALM_POINTS_TO_RESOLVE },
      );
      if (!spells.length) continue;
      const tell = (event: AlertWebhookEvent, row: alertsRepo.AlertRow) =>
        tellInOrder(deps, webhooks, seriesId, settings, event, row);

      let fresh = existing ? spells.slice(1) : spells;
      const continued = existing ? spells[0] : undefined;
      if (existing && continued?.status === "resolved") {
        const fields = rowFieldsOf(continued, existing.evidence.points);
        const resolved = await resolveByWatcher(
          deps,
          existing,
          fields,
          continued.resolvedAt ?? now,
        );
        if (resolved) {
          outcome.resolved.push(resolved);
          tell("alert.resolved", resolved);
        }
      } else if (existing && continued) {
        const { points: evidencePoints, ...fields } = rowFieldsOf(
          continued,
          existing.evidence.points,
        );
        const updated = await alertsRepo.updateAlert(db, tenantId, existing.id, {
          ...fields,
          evidence: { ...existing.evidence, points: evidencePoints },
        });
        if (updated) outcome.updated.push(updated);
      }
      if (fresh.length) {
        // Another process running the watcher judges the same points with its own memory: a spell
        // it told already (opened and resolved within its pass, so not among the open alerts read
        // above, or a late onset its alert covers) is not told again. One look per series and pass,
        // only when there is something to open.
        const told = await alertsRepo.findSeriesJudgedUntil(db, tenantId, m.metric, subject);
        if (told !== undefined) {
          alertedAt = Math.max(alertedAt, told);
          fresh = fresh.filter((spell) => spell.openedAt > told);
        }
      }
      for (const spell of fresh) {
        const anomaly = detection.anomalies.find((a) => a.at === spell.evidence.at);
        if (!anomaly) continue;
        // A spell that began and ended among this pass's points (a pass seeing several, or a late
        // onset) is told all the same, opened and resolved at its own points, with no
        // remediation: it is over.
        const over = spell.status === "resolved";
        const opened = await openAlert(
          deps,
          tenantId,
          settings,
          m,
          subject,
          spell,
          anomaly,
          !over,
        ).catch((error: unknown) => {
          // Another process running the watcher opened it a moment ago: theirs stands.
          if (isUniqueViolation(error, "alerts_one_open_per_series_key")) return undefined;
          throw error;
        });
        if (!opened) break;
        outcome.opened.push(opened);
        tell("alert.opened", opened);
        if (over) {
          const resolved = await resolveByWatcher(deps, opened, null, spell.resolvedAt ?? now);
          if (resolved) {
            outcome.resolved.push(resolved);
            tell("alert.resolved", resolved);
          }
        }
      }
      alertedUntil.set(
        subject,
        Math.max(
          alertedAt,
          ...[continued, ...fresh].map((spell) => spell?.lastEvaluatedAt ?? -Infinity),
        ),
      );
    }
    // A series with no figures left in its window (its workflow or server is gone, or idle that
    // long) cannot come back into its band: its alert ends here instead of staying open for good.
    for (const existing of activeOfMetric?.values() ?? []) {
      if (reporting.has(existing.subject)) continue;
      const resolved = await resolveByWatcher(
        deps,
        existing,
        null,
        now,
        "no figures in the series' window",
      );
      if (resolved) {
        outcome.resolved.push(resolved);
        tellInOrder(
          deps,
          webhooks,
          `${m.metric}:${existing.subject}`,
          settings,
          "alert.resolved",
          resolved,
        );
      }
    }
  }
  if (outcome.opened.length || outcome.resolved.length || outcome.updated.length) {
    await deps.bus.publish(tenantAlertsChannel(tenantId), { changed: true }).catch(() => undefined);
  }
  return outcome;
}

/** Resolves an alert whose series came back into its band (or has no figures left); a breaker it opened closes with it. */
async function resolveByWatcher(
  deps: WatchDeps,
  existing: alertsRepo.AlertRow,
  fields: ReturnType<typeof rowFieldsOf> | null,
  now: number,
  why?: string,
) {
  const { tenantId } = existing;
  const resolved = await deps.db.transaction(async (tx) => {
    const patch = fields
      ? (({ points, ...rest }) => ({ ...rest, evidence: { ...existing.evidence, points } }))(fields)
      : {};
    const row = await alertsRepo.resolveAlertIfOpen(tx, tenantId, existing.id, {
      ...patch,
      status: "resolved",
      resolvedAt: new Date(now),
      resolution: "auto",
    });
    if (row)
      await auditAsWatcher(tx, tenantId, "alert.resolve", existing.id, {
        resolution: "auto",
        metric: existing.metric,
        subject: existing.subject,
        ...(why ? { why } : {}),
      });
    return row;
  });
  if (!resolved) return undefined;
  for (const action of resolved.actions) {
    if (action.rule === "circuitBreaker" && !action.undoneAt)
      await deps.breakers.publish(deps.bus, {
        action: "close",
        tenantId,
        server: String(action.details.server),
      });
  }
  return resolved;
}

/** Stores a new alert with its evidence, audits it, and runs the tenant's remediation rules (if asked); the caller sends its webhook. */
async function openAlert(
  deps: WatchDeps,
  tenantId: string,
  settings: alertsRepo.AnomalySettingsRow | undefined,
  m: WatchedMetric,
  subject: string,
  alert: SeriesAlert,
  anomaly: Anomaly,
  remediate: boolean,
): Promise<alertsRepo.AlertRow> {
  const { db } = deps;
  const subjectLabel = await labelOf(db, tenantId, m, subject);
  const runIds = await evidenceRuns(
    db,
    tenantId,
    m,
    subject,
    new Date(alert.openedAt - resolutionMs(m, deps.bucketMs)),
  );
  const created = await db.transaction(async (tx) => {
    const row = await alertsRepo.insertAlert(tx, {
      tenantId: tenantId,
      metric: m.metric,
      subject,
      subjectLabel,
      severity: alert.severity,
      title: `${m.label} of ${subjectLabel} ${anomaly.direction === "up" ? "rose" : "fell"} to ${formatMetricValue(m, anomaly.value)}`,
      reason: anomaly.reason,
      score: anomaly.score,
      value: anomaly.value,
      bandLow: anomaly.band[0],
      bandHigh: anomaly.band[1],
      startedAt: new Date(alert.openedAt),
      lastSeenAt: new Date(alert.lastSeenAt),
      lastEvaluatedAt: new Date(alert.lastEvaluatedAt),
      occurrences: alert.occurrences,
      calmCount: alert.calmPoints,
      evidence: { runIds, points: [[anomaly.at, anomaly.value]] },
    });
    await auditAsWatcher(tx, tenantId, "alert.open", row.id, {
      metric: m.metric,
      subject,
      severity: row.severity,
      reason: row.reason,
    });
    return row;
  });
  const actions: AlertAction[] = remediate
    ? await applyRemediation(
        deps,
        {
          tenantId: tenantId,
          rules: settings?.rules ?? DEFAULT_RULES,
          fallbackServers: settings?.fallbackServers ?? {},
        },
        created,
        anomaly,
      )
    : [];
  const withActions = actions.length
    ? ((await alertsRepo.updateAlert(db, tenantId, created.id, { actions })) ?? created)
    : created;
  return withActions;
}

/**
 * Sends a series' webhook once the ones before it (`pending`) have been answered or have failed,
 * so a receiver hears an alert opened before resolved; the watcher does not wait for it.
 */
function tellInOrder(
  deps: WatchDeps,
  pending: Map<string, Promise<unknown>>,
  seriesId: string,
  settings: alertsRepo.AnomalySettingsRow | undefined,
  event: AlertWebhookEvent,
  alert: alertsRepo.AlertRow,
) {
  const sent = (pending.get(seriesId) ?? Promise.resolve())
    .then(() => notify(deps, settings, event, alert))
    .catch(() => undefined)
    .finally(() => {
      if (pending.get(seriesId) === sent) pending.delete(seriesId);
    });
  pending.set(seriesId, sent);
}

/** Sends the webhook, and notes on the alert when it was delivered. */
async function notify(
  deps: WatchDeps,
  settings: alertsRepo.AnomalySettingsRow | undefined,
  event: AlertWebhookEvent,
  alert: alertsRepo.AlertRow,
) {
  if (await sendAlertWebhook(deps, settings, event, alert))
    await alertsRepo
      .updateAlert(deps.db, alert.tenantId, alert.id, { notifiedAt: new Date() })
      .catch(() => undefined);
}

/** Samples each tenant's queued runs into the queue-depth gauge (one grouped count). */
async function sampleQueueDepth(deps: WatchDeps, now: number) {
  if (!deps.metrics) return;
  for (const row of await countQueuedRunsByTenant(deps.db))
    deps.metrics.observe({
      tenantId: row.tenantId,
      source: "queue",
      subject: "",
      at: now,
      gauge: row.queued,
    });
}

/** Rollups older than this are deleted (the longest window reads 28 days). */
const ROLLUP_RETENTION_MS = 35 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** One pass over every tenant with recent figures. A failing tenant is logged and skipped, never the others. */
export async function evaluateAll(deps: WatchDeps, now = Date.now()): Promise<void> {
  if (now - deps.memory.lastPrunedAt >= PRUNE_EVERY_MS) {
    deps.memory.lastPrunedAt = now;
    await pruneRollups(deps.db, new Date(now - ROLLUP_RETENTION_MS)).catch((error: unknown) =>
      console.error("Pruning metric rollups failed:", error),
    );
  }
  await sampleQueueDepth(deps, now);
  await deps.metrics?.flush();
  const longest = Math.max(
    ...WATCHED_METRICS.map((m) => m.windowPoints * resolutionMs(m, deps.bucketMs)),
  );
  const tenants = await listTenantsWithRollups(deps.db, new Date(now - longest));
  for (const tenantId of tenants) {
    try {
      await evaluateTenant(deps, tenantId, now);
    } catch (error) {
      console.error(
        `Anomaly evaluation failed for tenant ${tenantId}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** Evaluates every `intervalMs` (an unref'd timer); returns the function that stops it. */
export function startAnomalyWatch(deps: WatchDeps, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void evaluateAll(deps)
      .catch((error: unknown) => console.error("Anomaly evaluation failed:", error))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  // The queue-depth gauge needs a sample in every bucket (an empty one reads as an empty queue):
  // when evaluations are further apart than a bucket, it is sampled on its own.
  const sampler =
    intervalMs > deps.bucketMs
      ? setInterval(
          () =>
            void sampleQueueDepth(deps, Date.now()).catch((error: unknown) =>
              console.error("Sampling the queue depth failed:", error),
            ),
          deps.bucketMs,
        )
      : undefined;
  sampler?.unref();
  return () => {
    clearInterval(timer);
    clearInterval(sampler);
  };
}
