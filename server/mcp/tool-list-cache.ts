import type { CheckedTool } from "./tool-schemas";

/**
 * A connection's tool listing, kept between calls so a call does not list first.
 *
 * A 2025 server's listing stays until the server says it changed
 * (`notifications/tools/list_changed`). A 2026-07-28 server says how long its answer stays fresh
 * (server/utilities/caching: `ttlMs` on each `tools/list` page, the listing's freshness being its
 * shortest page's): a positive `ttlMs` is honoured exactly (no listing again before it runs out,
 * a new one at the first use after), and a change notification still ends it at once. A `ttlMs` of
 * 0, or none, is what a server that set no hint sends (the v2 SDK's default): the spec then leaves
 * freshness to "the client's own heuristics or notifications", and listing before every call would
 * double each call's round trips. So such a listing stays while a `subscriptions/listen` stream
 * for tool changes is acknowledged (`watching`), and UNHINTED_FRESH_MS otherwise.
 */

export const UNHINTED_FRESH_MS = 60_000;

export type ToolListing = {
  tools: Map<string, CheckedTool>;
  /** The shortest `ttlMs` of the pages (0 when none carried one), or "never" for a 2025 server. */
  ttlMs: number | "never";
};

export class ToolListCache {
  private tools: Map<string, CheckedTool> | null = null;
  private pending: Promise<Map<string, CheckedTool>> | null = null;
  /** When a 2026-07-28 listing stops being fresh; Infinity for a 2025 one. */
  private freshUntil = 0;
  private receivedAt = 0;
  private ttlMs = 0;
  private generation = 0;

  constructor(
    private readonly fetch: () => Promise<ToolListing>,
    /** Whether change notifications reach us (a 2025 connection, or an acknowledged listen stream). */
    private readonly watching: () => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** The listing when it is fresh, else null (then `get()`); no await on a call's hot path. */
  current(): Map<string, CheckedTool> | null {
    if (!this.tools) return null;
    if (this.freshUntil === Number.POSITIVE_INFINITY || this.isFresh()) return this.tools;
    return null;
  }

  private isFresh(): boolean {
    const now = this.now();
    if (this.ttlMs > 0) return now < this.freshUntil;
    return this.watching() || now < this.receivedAt + UNHINTED_FRESH_MS;
  }

  /** The listing, asked of the server when there is none or it is stale (one request at a time). */
  get(): Promise<Map<string, CheckedTool>> {
    const fresh = this.current();
    if (fresh) return Promise.resolve(fresh);
    if (this.pending) return this.pending;
    const generation = this.generation;
    const pending = this.fetch().then(
      (listing) => {
        if (this.pending === pending) this.pending = null;
        // A change announced while this listing was on its way: it may predate the change.
        if (generation !== this.generation) return listing.tools;
        this.tools = listing.tools;
        this.receivedAt = this.now();
        if (listing.ttlMs === "never") this.freshUntil = Number.POSITIVE_INFINITY;
        else {
          this.ttlMs = Math.max(0, listing.ttlMs); // a negative one counts as 0 (the spec)
          this.freshUntil = this.receivedAt + this.ttlMs;
        }
        return listing.tools;
      },
      (error: unknown) => {
        if (this.pending === pending) this.pending = null;
        throw error;
      },
    );
    this.pending = pending;
    return pending;
  }

  /** The server said the list changed (or we may have missed that it did): ask again at the next use. */
  invalidate(): void {
    this.generation++;
    this.tools = null;
    this.pending = null;
  }
}
