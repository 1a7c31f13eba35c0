import { randomUUID } from "node:crypto";
import { AppError, notFound } from "@/engine/errors";
import type { InspectorSession } from "./inspector-session";

/**
 * The process's inspector sessions, each owned by one tenant and one user and named by a random id.
 * Held apart from the run pool, whose connections are shared by every run of an installation and
 * restarted on their own: a session is one person's, lives while they use it, and is closed after
 * `idleMs` without a request, an open event stream or a running call.
 */

export type SessionOwner = { tenantId: string; userId: string };
export type SessionTarget =
  | { kind: "installation"; installationId: string; name: string }
  | { kind: "url"; url: string; transport: string };

export type HeldSession = {
  id: string;
  owner: SessionOwner;
  target: SessionTarget;
  /** Sessions for the same owner and key are reused (an installation, or a URL with its headers). */
  key: string;
  session: InspectorSession;
};

export type SessionLimits = {
  idleMs: number;
  /** A user's open sessions; opening one more closes their least recently used. */
  perUser: number;
  /** All sessions of this process; past it, opening is refused until some close. */
  perProcess: number;
};

const DEFAULT_LIMITS: SessionLimits = { idleMs: 10 * 60_000, perUser: 4, perProcess: 64 };

export class InspectorSessions {
  private readonly held = new Map<string, HeldSession>();
  private readonly opening = new Map<string, Promise<HeldSession>>();
  private sweeper: NodeJS.Timeout | null = null;
  readonly limits: SessionLimits;

  constructor(limits: Partial<SessionLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  private ownerKey(owner: SessionOwner, key: string) {
    return `${owner.tenantId}:${owner.userId}:${key}`;
  }

  /**
   * The owner's live session for `key`, or a new one from `connect` (concurrent opens of one key
   * share one connect). `isCurrent` says whether a live session still fits (its configuration).
   */
  async open(
    owner: SessionOwner,
    target: SessionTarget,
    key: string,
    connect: () => Promise<InspectorSession>,
    isCurrent: (session: InspectorSession) => boolean = () => true,
  ): Promise<HeldSession> {
    const existing = [...this.held.values()].find(
      (h) =>
        h.owner.tenantId === owner.tenantId &&
        h.owner.userId === owner.userId &&
        h.key === key &&
        !h.session.isClosed,
    );
    if (existing && isCurrent(existing.session)) {
      existing.session.lastUsed = Date.now();
      return existing;
    }
    if (existing) await this.close(existing.id);
    const ownerKey = this.ownerKey(owner, key);
    const pending = this.opening.get(ownerKey);
    if (pending) return pending;
    if (this.held.size >= this.limits.perProcess) {
      this.sweep();
      if (this.held.size >= this.limits.perProcess)
        throw new AppError(
          "RATE_LIMITED",
          "Too many inspector sessions are open on this server; close one or try again in a few minutes",
        );
    }
    const opening = connect().then((session) => {
      const held: HeldSession = { id: randomUUID(), owner, target, key, session };
      this.held.set(held.id, held);
      this.startSweeper();
      this.keepPerUserLimit(owner, held.id);
      return held;
    });
    this.opening.set(ownerKey, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(ownerKey);
    }
  }

  private keepPerUserLimit(owner: SessionOwner, keep: string) {
    const mine = [...this.held.values()]
      .filter(
        (h) =>
          h.owner.tenantId === owner.tenantId && h.owner.userId === owner.userId && h.id !== keep,
      )
      .sort((a, b) => a.session.lastUsed - b.session.lastUsed);
    while (mine.length >= this.limits.perUser) void this.close(mine.shift()!.id);
  }

  /** The owner's session by id; any other tenant's or user's is answered as not found. */
  get(owner: SessionOwner, id: string): HeldSession {
    const held = this.held.get(id);
    if (!held || held.owner.tenantId !== owner.tenantId || held.owner.userId !== owner.userId)
      throw notFound("inspector session", id);
    held.session.lastUsed = Date.now();
    return held;
  }

  async close(id: string, reason?: string): Promise<void> {
    const held = this.held.get(id);
    if (!held) return;
    this.held.delete(id);
    await held.session.close(reason);
  }

  /** Closes sessions idle for `idleMs` (no request, no event stream, no running call) and drops ended ones. */
  sweep(now = Date.now()) {
    for (const held of this.held.values()) {
      const session = held.session;
      const isIdle =
        now - session.lastUsed > this.limits.idleMs &&
        session.events.subscriberCount === 0 &&
        session.runningCalls === 0;
      if (isIdle) void this.close(held.id, "the session was idle for too long");
      else if (session.isClosed) this.held.delete(held.id);
    }
  }

  get size(): number {
    return this.held.size;
  }

  private startSweeper() {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.limits.idleMs, 30_000));
    this.sweeper.unref();
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    const ids = [...this.held.keys()];
    await Promise.all(ids.map((id) => this.close(id)));
  }
}

const globalForSessions = globalThis as unknown as { inspectorSessions?: InspectorSessions };

/** The process's sessions, on globalThis so that Next's bundles and dev reloads share them. */
export function getInspectorSessions(): InspectorSessions {
  globalForSessions.inspectorSessions ??= new InspectorSessions();
  return globalForSessions.inspectorSessions;
}
