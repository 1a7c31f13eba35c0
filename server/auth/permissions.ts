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
// trigger.manage: webhooks, schedules and MCP tools run a workflow as their creator, so making one
// hands on the right to run it; a token needs runs:write for it, never workflows:write alone.
const editor = [
  ...viewer,
  "workflow.edit",
  "workflow.run",
  "trigger.manage",
  "run.cancel",
  "run.approve",
  "server.check",
  "tool.run",
] as const;
const admin = [
  ...editor,
  "member.manage",
  "server.install",
  "secret.manage",
  "token.manage",
  "quota.manage",
  "usage.view",
  "audit.view",
  "anomaly.manage",
  // The publish gate: setting or removing it, and publishing past its refusal, are one decision.
  "gate.manage",
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

/**
 * What an API token may be granted. A token acts as the member who made it, in the tenant it was
 * made in, and may do only what both that member's current role and one of its scopes allow.
 * No scope grants `token.manage` or `tenant.manage`: a leaked token cannot mint more tokens or
 * change the tenant itself. SECURITY.md lists these (a test keeps it in step).
 */
export const TOKEN_SCOPES = {
  "workflows:read": { label: "Read workflows", permissions: ["workflow.view"] },
  "workflows:write": {
    label: "Create, edit and publish workflows",
    permissions: ["workflow.view", "workflow.edit"],
  },
  "runs:read": { label: "Read runs and their steps", permissions: ["workflow.view", "run.view"] },
  "runs:write": {
    label: "Start, cancel, retry and approve runs; manage the triggers that start them",
    permissions: [
      "workflow.view",
      "run.view",
      "workflow.run",
      "trigger.manage",
      "run.cancel",
      "run.approve",
    ],
  },
  "analytics:read": {
    label: "Read analytics, anomalies and usage",
    permissions: ["analytics.view", "anomaly.view", "usage.view"],
  },
  "servers:read": {
    label: "Read the marketplace and installed MCP servers",
    permissions: ["marketplace.view"],
  },
  "servers:write": {
    label: "Install, check and call MCP servers",
    permissions: ["marketplace.view", "server.check", "tool.run", "server.install"],
  },
  admin: {
    label: "Administer members, limits, secrets, anomalies and read the audit log",
    permissions: [
      "member.view",
      "member.manage",
      "quota.manage",
      "usage.view",
      "audit.view",
      "secret.manage",
      "anomaly.manage",
    ],
  },
} as const satisfies Record<string, { label: string; permissions: readonly Permission[] }>;

export type TokenScope = keyof typeof TOKEN_SCOPES;
export const TOKEN_SCOPE_NAMES = Object.keys(TOKEN_SCOPES) as [TokenScope, ...TokenScope[]];

export function isTokenScope(scope: string): scope is TokenScope {
  return Object.hasOwn(TOKEN_SCOPES, scope);
}

/** The scopes that grant `permission` (none for token.manage and tenant.manage). */
export function scopesGranting(permission: Permission): TokenScope[] {
  return TOKEN_SCOPE_NAMES.filter((scope) =>
    (TOKEN_SCOPES[scope].permissions as readonly Permission[]).includes(permission),
  );
}

/**
 * Whether an API token with these scopes may perform `permission` (its creator's role is checked
 * separately: a token never does more than the member who made it). Unknown scopes grant nothing.
 */
export function tokenAllows(scopes: readonly string[], permission: Permission): boolean {
  return scopes.some(
    (scope) =>
      isTokenScope(scope) &&
      (TOKEN_SCOPES[scope].permissions as readonly Permission[]).includes(permission),
  );
}
