import { ROLES, type Role } from "@/db/schema";

/**
 * The one role-to-permission table. Every tRPC procedure names the action it needs
 * (`permissionProcedure("workflow.edit")`); nothing else decides who may do what.
 * Each role has everything the role before it has.
 */
const viewer = [
  "workflow.view",
  "run.view",
  "analytics.view",
  "anomaly.view",
  "marketplace.view",
  "member.view",
] as const;
const editor = [...viewer, "workflow.edit", "workflow.run", "run.cancel", "run.approve", "server.check", "tool.run"] as const;
const admin = [
  ...editor,
  "member.manage",
  "server.install",
  "secret.manage",
  "token.manage",
  "quota.manage",
  "audit.view",
  "anomaly.manage",
] as const;
const owner = [...admin, "tenant.manage"] as const;

export type Permission = (typeof owner)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(viewer),
  editor: new Set(editor),
  admin: new Set(admin),
  owner: new Set(owner),
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** The weakest role that has a permission, for messages such as "needs the editor role". */
export function minimumRole(permission: Permission): Role {
  return ROLES.find((role) => hasPermission(role, permission)) ?? "owner";
}

export { ROLES, type Role };
