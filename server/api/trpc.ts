import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Db } from "@/db/client";
import { hasPermission, minimumRole, type Permission } from "@/server/auth/permissions";
import { findUserById } from "@/server/repositories/users";
import { getRunSystem, type RunSystem } from "@/server/run-system";
import type { ActiveTenant, Actor, RequestMeta } from "@/server/services/context";
import { resolveActiveTenant } from "@/server/services/tenants";
import { findAppError, toTRPCError } from "./errors";

/**
 * tRPC's one setup file: context, transformer, error shape and the procedure builders.
 * Procedures are glue: validate input, name the permission, call one service function.
 */

/** Who is calling, as the route handler established it (session cookie) or a test states it. */
export interface Identity {
  userId: string;
  /** The tenant the session asked for; verified against memberships below, never trusted. */
  tenantId: string | null;
}

export interface Context {
  db: Db;
  actor: Actor | null;
  tenant: ActiveTenant | null;
  meta: RequestMeta;
  /** The queue, bus and workers of this process; tests pass their own. */
  runSystem: () => Promise<RunSystem>;
}

export async function createContext(input: {
  db: Db;
  identity: Identity | null;
  meta: RequestMeta;
  runSystem?: () => Promise<RunSystem>;
}): Promise<Context> {
  const { db, identity, meta } = input;
  const runSystem = input.runSystem ?? getRunSystem;
  const user = identity ? await findUserById(db, identity.userId) : undefined;
  if (!user || user.disabledAt) return { db, actor: null, tenant: null, meta, runSystem };
  const actor: Actor = { userId: user.id, email: user.email, name: user.name, isSuperadmin: user.isSuperadmin };
  const tenant = await resolveActiveTenant(db, { id: user.id, isSuperadmin: user.isSuperadmin }, identity?.tenantId ?? null);
  return { db, actor, tenant, meta, runSystem };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const appError = findAppError(error);
    return {
      ...shape,
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

/** Turns domain errors (AppError) into tRPC errors with the right status, in one place. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const appError = findAppError(result.error);
    if (appError) throw toTRPCError(appError);
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapAppErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

export const tenantProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.tenant) throw new TRPCError({ code: "FORBIDDEN", message: "You do not belong to any tenant yet." });
  return next({ ctx: { ...ctx, tenant: ctx.tenant } });
});

/** A procedure for one action of the permission table, e.g. `permissionProcedure("workflow.edit")`. */
export function permissionProcedure(permission: Permission) {
  return tenantProcedure.use(({ ctx, next }) => {
    if (!hasPermission(ctx.tenant.role, permission)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${minimumRole(permission)} role in ${ctx.tenant.name}; you are ${ctx.tenant.role}.`,
      });
    }
    return next();
  });
}
