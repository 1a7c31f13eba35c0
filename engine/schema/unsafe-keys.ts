/**
 * Objects with a `__proto__`, `constructor` or `prototype` key, carried safely through superjson.
 *
 * superjson refuses to serialise such objects ("prototype pollution risk"), yet they are ordinary
 * JSON a user may type into a run's input or a node's config; one stored row with such a key made
 * every page that shows it fail. The tRPC client and server both register this rule: such an object
 * travels as its list of entries and is rebuilt with own properties, so the key is kept as data and
 * never reaches a prototype. Pure (no superjson import), so the browser and the server share it.
 *
 * @example
 *   const transformer = new SuperJSON();
 *   transformer.registerCustom(objectsWithUnsafeKeys, UNSAFE_KEYS_RULE);
 */

export const UNSAFE_KEYS_RULE = "object-with-unsafe-keys";

const UNSAFE_KEYS = ["__proto__", "constructor", "prototype"] as const;

/** JSON as superjson's custom rules must return it. */
type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };
type Entries = [string, Json][];

/** A plain object (as JSON.parse makes them) holding one of the keys superjson refuses. */
export function hasUnsafeKey(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return UNSAFE_KEYS.some((key) => Object.prototype.hasOwnProperty.call(value, key));
}

/** Rebuilds the object with each key as an own, enumerable property (assignment of `__proto__` would set the prototype instead). */
function fromEntries(entries: Entries): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries)
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return object;
}

/** The superjson custom rule (structurally `CustomTransfomer<Record<string, unknown>, Entries>`). */
export const objectsWithUnsafeKeys = {
  isApplicable: hasUnsafeKey,
  serialize: (object: Record<string, unknown>): Entries => Object.entries(object) as Entries,
  deserialize: (entries: Entries): Record<string, unknown> => {
    if (
      !Array.isArray(entries) ||
      !entries.every(
        (entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === "string",
      )
    ) {
      throw new Error(`${UNSAFE_KEYS_RULE} expects a list of [key, value] pairs`);
    }
    return fromEntries(entries);
  },
};
