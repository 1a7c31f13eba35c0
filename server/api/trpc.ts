import { randomBytes } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import SuperJSON from "superjson";
import { z, ZodError } from "zod";
import type { Db } from "@/db/client";
import { objectsWithUnsafeKeys, UNSAFE_KEYS_RULE } from "@/engine/schema/unsafe-keys";
import {
  hasPermission,
  minimumRole,
  scopesGranting,
  tokenAllows,
  type Permission,
} from "@/server/auth/permissions";
import { findIdentityUser, type ApiTokenIdentity, type Identity } from "@/server/services/identity";
import { getRunSystem, type RunSystem } from "@/server/run-system";
import type { ActiveTenant, Actor, RequestMeta } from "@/server/services/context";
import { resolveActiveTenant } from "@/server/services/tenants";
import { findAppError, toTRPCError } from "./errors";
import { guardRequest } from "./guards";
import type { TenantStanding } from "@/server/repositories/tenant-limits";
import { describeInputProblem, findInputProblem, INPUT_LIMITS } from "@/server/input-guards";
import { observeTrpcCall } from "@/server/observability/metrics";

/**
 * tRPC's one setup file: context, transformer, error shape and the procedure builders.
 * Procedures are glue: validate input, name the permission, call one service function.
 */

export type { ApiTokenIdentity, Identity } from "@/server/services/identity";

/**
 * What a procedure requires, stated once on it as tRPC meta: the authorization matrix test walks
 * every procedure of the router and checks its answer for each role against this.
 * "public": anyone; "signed-in": any signed-in user; "platform": a platform admin (superadmin);
 * otherwise an action of the permission table in the active tenant.
 */
export type Access = "public" | "signed-in" | "platform" | Permission;
export interface Meta {
  access: Access;
}

export interface Context {
  db: Db;
  actor: Actor | null;
  tenant: ActiveTenant | null;
  meta: RequestMeta;
  /** The API token the caller used, if any (not a browser session). */
  apiToken: ApiTokenIdentity | null;
  /** The queue, bus and workers of this process; tests pass their own. */
  runSystem: () => Promise<RunSystem>;
  /** The tenant's limits and suspension when the authentication already read them (an API token's one query). */
  standing?: TenantStanding;
  /** The request follows the runs it starts to their end (a REST start with `wait` or a stream). */
  followsRuns?: boolean;
}

export async function createContext(input: {
  db: Db;
  identity: Identity | null;
  meta: RequestMeta;
  runSystem?: () => Promise<RunSystem>;
}): Promise<Context> {
  const { db, identity, meta } = input;
  const runSystem = input.runSystem ?? getRunSystem;
  const verified = identity?.verified;
  if (
    verified &&
    verified.actor.userId === identity.userId &&
    verified.tenant.id === identity.tenantId
  ) {
    const apiToken = identity.apiToken ?? null;
    const requestMeta = apiToken
      ? { ...meta, apiToken: { id: apiToken.id, name: apiToken.name } }
      : meta;
    return {
      db,
      actor: verified.actor,
      tenant: verified.tenant,
      meta: requestMeta,
      apiToken,
      runSystem,
      standing: verified.standing,
    };
  }
  const user = identity ? await findIdentityUser(db, identity) : undefined;
  if (!user || user.disabledAt)
    return { db, actor: null, tenant: null, meta, apiToken: null, runSystem };
  const actor: Actor = {
    userId: user.id,
    email: user.email,
    name: user.name,
    isSuperadmin: user.isSuperadmin,
  };
  const resolved = await resolveActiveTenant(
    db,
    { id: user.id, isSuperadmin: user.isSuperadmin },
    identity?.tenantId ?? null,
  );
  // A session falls back to another of the user's tenants; an API token acts in its own tenant or nowhere.
  const tenant = identity?.apiToken && resolved?.id !== identity.tenantId ? null : resolved;
  const apiToken = identity?.apiToken ?? null;
  // The audit log names the token a change was made through; a session's changes know their session.
  const requestMeta = apiToken
    ? { ...meta, apiToken: { id: apiToken.id, name: apiToken.name } }
    : identity?.sessionId
      ? { ...meta, sessionId: identity.sessionId }
      : meta;
  return { db, actor, tenant, meta: requestMeta, apiToken, runSystem };
}

/**
 * superjson (Dates survive the trip) that also carries objects with `__proto__`/`constructor`/
 * `prototype` keys, which plain superjson refuses to send: user JSON holding them must show back.
 * components/trpc/transformer.ts registers the same rule. Input is read in place, so a raw
 * client's `__proto__` key stays a key rather than becoming the copy's prototype.
 */
const superjson = new SuperJSON();
superjson.registerCustom(objectsWithUnsafeKeys, UNSAFE_KEYS_RULE);
export const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (value: unknown) => superjson.deserialize(value as never, { inPlace: true }),
  },
  output: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (value: unknown) => superjson.deserialize(value as never),
  },
};

/** A short id that ties a server failure's answer to its log line. */
export function newRequestId(): string {
  return randomBytes(6).toString("hex");
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer,
    errorFormatter({ shape, error, path }) {
      // A domain error thrown where the middleware cannot map it (inside a subscription's stream,
      // after the procedure returned) is still that error: run.live of another tenant's run is a
      // NOT_FOUND, not a failure of ours.
      const unmapped = error.code === "INTERNAL_SERVER_ERROR" ? findAppError(error) : undefined;
      if (unmapped) {
        const mapped = toTRPCError(unmapped);
        return {
          ...shape,
          code: TRPC_ERROR_CODES_BY_KEY[mapped.code],
          message: mapped.message,
          data: {
            ...shape.data,
            code: mapped.code,
            httpStatus: getHTTPStatusCodeFromError(mapped),
            appCode: unmapped.code,
            appDetails: unmapped.details ?? null,
            zodError: null,
          },
        };
      }
      // A failure of ours says only that it failed and under which id it was logged: never the
      // message (a database error's holds the SQL and its parameters) nor the stack.
      if (error.code === "INTERNAL_SERVER_ERROR") {
        const requestId = newRequestId();
        console.error(`[request ${requestId}] tRPC ${path ?? "?"} failed:`, error.cause ?? error);
        const { code, httpStatus } = shape.data;
        return {
          ...shape,
          message: `Something went wrong (request id ${requestId}).`,
          data: {
            code,
            httpStatus,
            path,
            requestId,
            appCode: null,
            appDetails: null,
            zodError: null,
          },
        };
      }
      const appError = findAppError(error);
      return {
        ...shape,
        // zod's own message is its issues as JSON; people read "id: Invalid UUID" instead.
        message: error.cause instanceof ZodError ? readableZodMessage(error.cause) : shape.message,
        data: {
          ...shape.data,
          appCode: appError?.code ?? null,
          /** What the domain error says in detail (INVALID_INPUT's `problems`, a compile's `diagnostics`). */
          appDetails: appError?.details ?? null,
          /** Field errors for forms: `{ fieldErrors: { name: ["..."] } }`. */
          zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * The database refusing a value (SQLSTATE class 22, "data exception": bad text, a number out of
 * range) is bad input that got past the checks, not a failure of ours: a 400 that names no SQL.
 */
function isDatabaseDataException(error: unknown): boolean {
  for (
    let e: unknown = error, hops = 0;
    e && typeof e === "object" && hops < 10;
    e = (e as { cause?: unknown }).cause, hops++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code) && "severity" in e) return true;
  }
  return false;
}

/** Turns domain errors (AppError) into tRPC errors with the right status, in one place. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const appError = findAppError(result.error);
    if (appError) throw toTRPCError(appError);
    if (isDatabaseDataException(result.error)) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "The input holds a value that cannot be stored.",
        cause: result.error,
      });
    }
  }
  return result;
});

/**
 * Every input, before it is parsed: JSON (or Dates) only, nested at most 64 deep, text a database
 * can store, at most 6 MiB (input-guards.ts). Checked once here, so no procedure can forget it and
 * no recursive parser meets 10,000 levels of nesting.
 */
const checkInput = t.middleware(async ({ getRawInput, next }) => {
  const problem = findInputProblem(await getRawInput(), { maxBytes: INPUT_LIMITS.trpcBodyBytes });
  if (problem)
    throw new TRPCError({
      code: problem.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST",
      message: `The request is refused: ${describeInputProblem(problem)}.`,
    });
  return next();
});

/** Counts and times each procedure call by its path, so metrics tell "run.get" from "workflow.save". */
const observeCalls = t.middleware(async ({ path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const code = result.ok ? "OK" : result.error.code;
  observeTrpcCall(path, type, code, (performance.now() - started) / 1000);
  return result;
});

const baseProcedure = t.procedure.use(observeCalls).use(mapAppErrors).use(checkInput);

/** Anyone, signed in or not. */
export const publicProcedure = baseProcedure.meta({ access: "public" });

const signedIn = baseProcedure.use(async ({ ctx, meta, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  await guardRequest({ ...ctx, actor: ctx.actor }, meta?.access ?? "signed-in");
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/**
 * Any signed-in user, whatever their tenant (their own session, their tenants). An API token may
 * read here (who am I) but not change anything: its changes are the permission procedures its scopes allow.
 */
export const protectedProcedure = signedIn
  .meta({ access: "signed-in" })
  .use(({ ctx, type, next }) => {
    if (ctx.apiToken && type !== "query") {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `An API token cannot do this; sign in instead ("${ctx.apiToken.name}" is limited to its scopes).`,
      });
    }
    return next();
  });

/** Platform administration (all tenants): superadmins only, and never through an API token. */
export const platformProcedure = signedIn.meta({ access: "platform" }).use(({ ctx, next }) => {
  if (!ctx.actor.isSuperadmin || ctx.apiToken)
    throw new TRPCError({ code: "FORBIDDEN", message: "This needs a platform admin." });
  return next();
});

/** A procedure for one action of the permission table, e.g. `permissionProcedure("workflow.edit")`. */
export function permissionProcedure(permission: Permission) {
  return signedIn.meta({ access: permission }).use(({ ctx, next }) => {
    if (!ctx.tenant)
      throw new TRPCError({ code: "FORBIDDEN", message: "You do not belong to any tenant yet." });
    if (!hasPermission(ctx.tenant.role, permission)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${minimumRole(permission)} role in ${ctx.tenant.name}; you are ${ctx.tenant.role}.`,
      });
    }
    if (ctx.apiToken && !tokenAllows(ctx.apiToken.scopes, permission)) {
      const scopes = scopesGranting(permission);
      const needs = scopes.length
        ? `it needs the ${scopes.join(" or ")} scope`
        : "no API token may do this; sign in instead";
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `The API token "${ctx.apiToken.name}" cannot ${permission}: ${needs}.`,
      });
    }
    return next({ ctx: { ...ctx, tenant: ctx.tenant } });
  });
}

function readableZodMessage(error: ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
    )
    .join("; ");
}
