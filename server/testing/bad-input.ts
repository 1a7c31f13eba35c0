import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { appRouter } from "@/server/api/root";

/**
 * Bad inputs for the guard tests (server/api/fuzz.int.test.ts in-process, the tRPC route's test
 * over HTTP): a plausible input derived from each procedure's zod schema, then spoilt with a
 * generated bad value (NUL, lone surrogates, a 10 MB string, 10,000-deep nesting, keys like
 * __proto__ and constructor, wrong types, extra fields), and forged superjson meta. The large
 * values are built once and named in the generated cases, so a failing case prints small.
 */

/** Answers must never hold these (a database error's SQL or its parameters). */
export const SQL_TEXT = /select |insert into|update "|delete from|\$1\b/i;

export type AnyProcedure = {
  _def: { type: "query" | "mutation" | "subscription"; inputs: unknown[] };
};
/** Every procedure of the app router, as the authorization matrix walks them: new ones are included by themselves. */
export const PROCEDURES = Object.entries(
  appRouter._def.procedures as unknown as Record<string, AnyProcedure>,
);

// ---------------------------------------------------------------------------------------------

export interface World {
  workflowId: string;
  runId: string;
  versionId: string;
}

/** A minimal value of a zod (v4) schema: required fields only; ids by field name from `world`, else random. */
export function deriveSample(
  schema: unknown,
  world: World | null,
  router: string,
  field = "",
): unknown {
  const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const checks =
    (def.checks as
      | {
          _zod: { def: { check: string; minimum?: number; value?: number; inclusive?: boolean } };
        }[]
      | undefined) ?? [];
  const minLength = checks.find((c) => c._zod.def.check === "min_length")?._zod.def.minimum ?? 0;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, { _zod: { optin?: string } }>;
      return Object.fromEntries(
        Object.entries(shape).flatMap(([key, value]) =>
          value._zod.optin === "optional" ? [] : [[key, deriveSample(value, world, router, key)]],
        ),
      );
    }
    case "string": {
      if (def.format === "uuid" || def.format === "guid") return idFor(field, router, world);
      if (def.format === "email") return "someone@example.test";
      if (def.format === "url") return "https://example.test";
      return "sample".padEnd(Math.max(6, minLength), "x");
    }
    case "number":
    case "int": {
      const lower = checks.find((c) => c._zod.def.check === "greater_than")?._zod.def;
      return lower ? (lower.value ?? 0) + (lower.inclusive ? 0 : 1) : 1;
    }
    case "boolean":
      return false;
    case "date":
      return new Date();
    case "literal":
      return (def.values as unknown[])[0];
    case "enum":
      return Object.values(def.entries as Record<string, unknown>)[0];
    case "array":
      return Array.from({ length: minLength }, () => deriveSample(def.element, world, router));
    case "union":
      return deriveSample((def.options as unknown[])[0], world, router, field);
    case "nullable":
    case "readonly":
    case "nonoptional":
      return deriveSample(def.innerType, world, router, field);
    case "pipe":
      return deriveSample(def.in, world, router, field);
    case "lazy":
      return deriveSample((def.getter as () => unknown)(), world, router, field);
    case "record":
    case "unknown":
    case "any":
      return {};
    default:
      return undefined;
  }
}

/** The tenant's own objects where a field names them, so inputs get past "not found" to the code behind. */
function idFor(field: string, router: string, world: World | null): string {
  if (!world) return randomUUID();
  if (field === "workflowId" || (field === "id" && router === "workflow")) return world.workflowId;
  if (field === "runId" || (field === "id" && router === "run")) return world.runId;
  if (field === "versionId") return world.versionId;
  return randomUUID();
}

export function sampleFor(path: string, procedure: AnyProcedure, world: World | null): unknown {
  const inputs = procedure._def.inputs;
  if (inputs.length === 0) return undefined;
  const router = path.split(".")[0]!;
  const parts = inputs.map((schema) => deriveSample(schema, world, router));
  return parts.length === 1 ? parts[0] : Object.assign({}, ...parts);
}

/** The large values are built once and named in the generated cases, so a failure prints small. */
let hugeString: string | undefined;
let deep: unknown;
const huge = () => (hugeString ??= "x".repeat(10 * 1024 * 1024));
/** Built iteratively: 10,000 levels, far past what a recursive parser survives. */
const deepValue = () => {
  if (deep === undefined) {
    let value: unknown = "bottom";
    for (let i = 0; i < 10_000; i++) value = { a: value };
    deep = value;
  }
  return deep;
};
const unsafeKeys = () =>
  JSON.parse(
    '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"prototype":[1],"name":"ok"}',
  ) as unknown;

export type Bad =
  | {
      kind:
        | "nul"
        | "lone-high"
        | "lone-low"
        | "huge-string"
        | "deep"
        | "unsafe-keys"
        | "not-a-uuid"
        | "date";
    }
  | { kind: "value"; value: unknown };

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
export const badValue: fc.Arbitrary<Bad> = fc.oneof(
  {
    arbitrary: fc.constantFrom<Bad>(
      { kind: "nul" },
      { kind: "lone-high" },
      { kind: "lone-low" },
      { kind: "huge-string" },
      { kind: "deep" },
      { kind: "unsafe-keys" },
      { kind: "not-a-uuid" },
      { kind: "date" },
    ),
    weight: 4,
  },
  {
    arbitrary: fc
      .constantFrom(-1, 0, 1e308, -0.5, true, null, [], {}, "", [null])
      .map((value): Bad => ({ kind: "value", value })),
    weight: 1,
  },
  // Any UTF-16 code units, lone surrogates and NUL included.
  {
    arbitrary: fc
      .string({ unit: anyCodeUnit, maxLength: 12 })
      .map((value): Bad => ({ kind: "value", value })),
    weight: 1,
  },
  {
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): Bad => ({ kind: "value", value })),
    weight: 1,
  },
);

export function materialise(bad: Bad): unknown {
  switch (bad.kind) {
    case "nul":
      return "before\u0000after";
    case "lone-high":
      return "text \uD83D alone";
    case "lone-low":
      return "\uDE00 alone";
    case "huge-string":
      return huge();
    case "deep":
      return deepValue();
    case "unsafe-keys":
      return unsafeKeys();
    case "not-a-uuid":
      return "123";
    case "date":
      return new Date(0);
    case "value":
      return bad.value;
  }
}

/** Where the bad value goes: the whole input, a field of it (existing or extra), or a field one level down. */
export type Spoil =
  | { at: "root"; bad: Bad }
  | { at: "field"; key: string; bad: Bad }
  | { at: "nested"; key: string; bad: Bad };

export function spoilsFor(sample: unknown): fc.Arbitrary<Spoil> {
  const keys = sample && typeof sample === "object" ? Object.keys(sample) : [];
  const objectKeys = keys.filter((k) => {
    const v = (sample as Record<string, unknown>)[k];
    return v !== null && typeof v === "object" && !(v instanceof Date);
  });
  const fieldKey = fc.constantFrom(...keys, "extra", "__proto__", "constructor");
  // Mostly a field: where the code behind the input parser is reached.
  const options: fc.WeightedArbitrary<Spoil>[] = [
    { arbitrary: badValue.map((bad): Spoil => ({ at: "root", bad })), weight: 1 },
    {
      arbitrary: fc
        .record({ key: fieldKey, bad: badValue })
        .map(({ key, bad }): Spoil => ({ at: "field", key, bad })),
      weight: 4,
    },
  ];
  if (objectKeys.length) {
    options.push({
      arbitrary: fc
        .record({ key: fc.constantFrom(...objectKeys), bad: badValue })
        .map(({ key, bad }): Spoil => ({ at: "nested", key, bad })),
      weight: 3,
    });
  }
  return fc.oneof(...options);
}

/** Sets `key` as an own property (assigning `__proto__` would set the prototype instead). */
export function withKey(object: unknown, key: string, value: unknown): Record<string, unknown> {
  const copy = {
    ...(object && typeof object === "object" && !Array.isArray(object) ? object : {}),
  } as Record<string, unknown>;
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

export function applySpoil(sample: unknown, spoil: Spoil): unknown {
  const value = materialise(spoil.bad);
  if (spoil.at === "root") return value;
  if (spoil.at === "field") return withKey(sample, spoil.key, value);
  const inner = (sample as Record<string, unknown>)[spoil.key];
  const innerKey =
    inner && typeof inner === "object" ? (Object.keys(inner)[0] ?? "extra") : "extra";
  return withKey(
    sample,
    spoil.key,
    Array.isArray(inner) ? [value, ...inner.slice(1)] : withKey(inner, innerKey, value),
  );
}

const ANNOTATIONS: unknown[] = [
  ["bigint"],
  ["Date"],
  ["map"],
  ["set"],
  ["regexp"],
  ["number"],
  ["Error"],
  ["URL"],
  ["custom", "nope"],
  ["class", "Nope"],
  ["symbol", "nope"],
  ["typed-array", "Nope"],
  ["nonsense"],
];
const FORGED_VALUES: unknown[] = [
  "1",
  "not a number",
  [["a", 1]],
  [1, 2],
  { message: "x" },
  5,
  null,
  "https://example.test",
];

/** superjson meta a client may forge: a type annotation on a field, the whole input, or a polluting path. */
export const forgedMeta = fc.record({
  annotation: fc.constantFrom(...ANNOTATIONS),
  value: fc.constantFrom(...FORGED_VALUES),
  where: fc.constantFrom("field", "root", "__proto__.polluted", "constructor.prototype.x"),
});

/** A superjson request body for `sample` with forged meta. */
export function forgedBody(
  sample: unknown,
  forged: { annotation: unknown; value: unknown; where: string },
): string {
  const field = sample && typeof sample === "object" ? Object.keys(sample)[0] : undefined;
  const at = forged.where === "field" ? field : forged.where === "root" ? undefined : forged.where;
  const json = at
    ? withKey(sample, at.split(".")[0]!, at.includes(".") ? {} : forged.value)
    : forged.value;
  return JSON.stringify({
    json,
    meta: { values: at ? { [at]: forged.annotation } : forged.annotation, v: 1 },
  });
}
