import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { ServerJson } from "@/engine/schema/catalog";
import { generateRegistryRecords, type RegistryRecord, type RegistryStatus } from "./registry-data";

/**
 * A local MCP Registry for tests and the benchmark: `GET /v0.1/servers` of the official API
 * (cursor + limit, `version=latest`, `updated_since`, `search`, `include_deleted`) on loopback,
 * over records it holds in memory. Tests change the records between syncs (`update`, `setStatus`,
 * `remove`, `add`) and can make the next answers fail (`failNext`).
 */

export const OFFICIAL_META_KEY = "io.modelcontextprotocol.registry/official";

type Failure = "status-500" | "not-json" | "no-servers" | "hang-up";

export class LocalRegistry {
  /** Every version of every server, in the order the registry lists them (name, then version). */
  records: RegistryRecord[];
  /** Each request's query, for tests that count pages or read parameters. */
  readonly requests: URLSearchParams[] = [];
  private clock: number;
  private failures: { afterPages: number; failure: Failure }[] = [];

  constructor(records: RegistryRecord[]) {
    this.records = [...records].sort(compareRecords);
    const last = Math.max(0, ...records.map((r) => Date.parse(r.meta.updatedAt)));
    this.clock = last;
  }

  /** The registry's clock: every change is a second after the last one. */
  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private latest(name: string): RegistryRecord {
    const record = this.records.find((r) => r.server.name === name && r.meta.isLatest);
    if (!record) throw new Error(`No server ${name} in the local registry`);
    return record;
  }

  /** Publishes a new latest version of `name` with the given changes. */
  update(name: string, changes: Partial<ServerJson>): RegistryRecord {
    const previous = this.latest(name);
    previous.meta = { ...previous.meta, isLatest: false, updatedAt: this.tick() };
    const [major, minor] = previous.server.version.split(".").map(Number);
    const version = `${major ?? 1}.${(minor ?? 0) + 1}.0`;
    const at = this.tick();
    const record: RegistryRecord = {
      server: { ...previous.server, ...changes, version },
      meta: { status: "active", publishedAt: at, updatedAt: at, isLatest: true },
    };
    this.records.push(record);
    this.records.sort(compareRecords);
    return record;
  }

  /** Marks the latest version of `name` deprecated, deleted or active again. */
  setStatus(name: string, status: RegistryStatus, statusMessage?: string): void {
    const record = this.latest(name);
    record.meta = {
      ...record.meta,
      status,
      ...(statusMessage ? { statusMessage } : {}),
      updatedAt: this.tick(),
    };
  }

  /** Takes `name` out of the registry altogether (not even listed as deleted). */
  remove(name: string): void {
    this.records = this.records.filter((r) => r.server.name !== name);
  }

  add(server: ServerJson): void {
    const at = this.tick();
    this.records.push({
      server,
      meta: { status: "active", publishedAt: at, updatedAt: at, isLatest: true },
    });
    this.records.sort(compareRecords);
  }

  /** The answer after `afterPages` more good pages fails in the given way (once). */
  failNext(failure: Failure, afterPages = 0): void {
    this.failures.push({ afterPages, failure });
  }

  /** Servers whose latest version is listed (not deleted): what a sync should end up with. */
  get liveNames(): string[] {
    return this.records
      .filter((r) => r.meta.isLatest && r.meta.status !== "deleted")
      .map((r) => r.server.name);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://registry.local");
    if (req.method !== "GET" || url.pathname !== "/v0.1/servers") {
      return json(res, 404, { error: "Not found" });
    }
    this.requests.push(url.searchParams);
    const failure = this.failures.find((f) => f.afterPages-- <= 0);
    if (failure) {
      this.failures = this.failures.filter((f) => f !== failure);
      if (failure.failure === "status-500") return json(res, 500, { error: "Internal error" });
      if (failure.failure === "not-json") {
        res.writeHead(200, { "content-type": "text/html" });
        return void res.end("<html>maintenance</html>");
      }
      if (failure.failure === "no-servers") return json(res, 200, { items: [] });
      return void req.socket.destroy();
    }
    const answer = this.list(url.searchParams);
    if ("error" in answer) return json(res, 400, answer);
    json(res, 200, answer);
  }

  /** `GET /v0.1/servers`: filters, then a page after the cursor (the last key of the previous page). */
  list(params: URLSearchParams) {
    const limitText = params.get("limit");
    const limit = limitText === null ? 30 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return { error: "limit must be an integer from 1 to 100" };
    const since = params.get("updated_since");
    const sinceMs = since === null ? null : Date.parse(since);
    if (sinceMs !== null && Number.isNaN(sinceMs))
      return { error: "updated_since must be an RFC 3339 time" };
    const version = params.get("version");
    const search = params.get("search")?.toLowerCase();
    // As the official registry: deleted entries are left out unless asked for or updated_since is given.
    const withDeleted = params.get("include_deleted") === "true" || sinceMs !== null;
    const cursorText = params.get("cursor");
    let after: string | null = null;
    if (cursorText) {
      after = Buffer.from(cursorText, "base64url").toString();
      if (!after.includes("\u0000")) return { error: "invalid cursor" };
    }
    const matching = this.records.filter(
      (r) =>
        (version === "latest" ? r.meta.isLatest : version ? r.server.version === version : true) &&
        (withDeleted || r.meta.status !== "deleted") &&
        (sinceMs === null || Date.parse(r.meta.updatedAt) >= sinceMs) &&
        (!search || r.server.name.toLowerCase().includes(search)) &&
        (after === null || keyOf(r) > after),
    );
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      servers: page.map((r) => ({ server: r.server, _meta: { [OFFICIAL_META_KEY]: r.meta } })),
      metadata: {
        count: page.length,
        ...(matching.length > limit && last
          ? { nextCursor: Buffer.from(keyOf(last)).toString("base64url") }
          : {}),
      },
    };
  }
}

const keyOf = (r: RegistryRecord) => `${r.server.name}\u0000${r.server.version.padStart(20, "0")}`;
const compareRecords = (a: RegistryRecord, b: RegistryRecord) =>
  keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export type RunningRegistry = { url: string; registry: LocalRegistry; close: () => Promise<void> };

/** Starts a local registry on a free loopback port (or `port`), filled by the generator unless records are given. */
export async function startLocalRegistry(
  options: { servers?: number; seed?: number; records?: RegistryRecord[]; port?: number } = {},
): Promise<RunningRegistry> {
  const registry = new LocalRegistry(
    options.records ??
      generateRegistryRecords({ servers: options.servers ?? 5_000, seed: options.seed ?? 1 }),
  );
  const server = createServer((req, res) => registry.handle(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    registry,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
