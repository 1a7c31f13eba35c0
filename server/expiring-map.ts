/**
 * A map whose entries expire after `ttlMs` and which never holds more than `maxEntries` (the
 * oldest written goes first). For per-process caches keyed by something unbounded (installation
 * ids, URLs) that must not grow for as long as the process lives.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number; now?: () => number },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (this.now() - hit.at >= this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: K, value: V): void {
    const now = this.now();
    this.entries.delete(key); // re-inserted last: the map's order is the order of writes
    this.entries.set(key, { value, at: now });
    // Entries are in write order, so the expired ones are at the front.
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && now - entry.at < this.options.ttlMs)
        break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
