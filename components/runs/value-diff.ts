/** One difference between two JSON values, at a path like `answer.items[2]` ("" for the whole value). */
export type ValueChange = {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const join = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/**
 * The leaves that differ between two JSON values (objects by key, arrays by index), at most
 * `limit` of them: the "old beside new" of a re-run step.
 * @example diffValues({ a: 1, b: 2 }, { a: 1, b: 3, c: 4 }) // → [{ path: "b", kind: "changed", before: 2, after: 3 }, { path: "c", kind: "added", after: 4 }]
 */
export function diffValues(before: unknown, after: unknown, limit = 50): ValueChange[] {
  const changes: ValueChange[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (changes.length >= limit) return;
    if (isObject(a) && isObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!Object.hasOwn(b, key))
          changes.push({ path: join(path, key), kind: "removed", before: a[key] });
        else if (!Object.hasOwn(a, key))
          changes.push({ path: join(path, key), kind: "added", after: b[key] });
        else walk(a[key], b[key], join(path, key));
        if (changes.length >= limit) return;
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (i >= b.length) changes.push({ path: join(path, i), kind: "removed", before: a[i] });
        else if (i >= a.length) changes.push({ path: join(path, i), kind: "added", after: b[i] });
        else walk(a[i], b[i], join(path, i));
        if (changes.length >= limit) return;
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b))
      changes.push({ path, kind: "changed", before: a, after: b });
  };
  walk(before, after, "");
  return changes;
}
