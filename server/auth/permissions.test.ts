import { describe, expect, it } from "vitest";
import { hasPermission, minimumRole, ROLE_PERMISSIONS, ROLES } from "./permissions";

describe("the role-to-permission table", () => {
  it("gives each role everything the weaker roles have", () => {
    for (let i = 1; i < ROLES.length; i++) {
      const weaker = ROLE_PERMISSIONS[ROLES[i - 1]!];
      const stronger = ROLE_PERMISSIONS[ROLES[i]!];
      for (const permission of weaker) expect(stronger.has(permission)).toBe(true);
    }
  });

  it("lets viewers look but not change", () => {
    expect(hasPermission("viewer", "workflow.view")).toBe(true);
    expect(hasPermission("viewer", "workflow.edit")).toBe(false);
    expect(hasPermission("viewer", "workflow.run")).toBe(false);
  });

  it("keeps member management and the audit log for admins and owners", () => {
    expect(hasPermission("editor", "member.manage")).toBe(false);
    expect(hasPermission("editor", "audit.view")).toBe(false);
    expect(hasPermission("admin", "audit.view")).toBe(true);
    expect(hasPermission("admin", "tenant.manage")).toBe(false);
    expect(hasPermission("owner", "tenant.manage")).toBe(true);
  });

  it("lets editors check servers and run tools, and keeps installing them for admins", () => {
    expect(hasPermission("viewer", "marketplace.view")).toBe(true);
    expect(hasPermission("viewer", "server.check")).toBe(false);
    expect(hasPermission("viewer", "tool.run")).toBe(false);
    expect(hasPermission("editor", "server.check")).toBe(true);
    expect(hasPermission("editor", "tool.run")).toBe(true);
    expect(hasPermission("editor", "server.install")).toBe(false);
    expect(hasPermission("admin", "server.install")).toBe(true);
  });

  it("names the weakest role that has a permission", () => {
    expect(minimumRole("workflow.view")).toBe("viewer");
    expect(minimumRole("workflow.edit")).toBe("editor");
    expect(minimumRole("secret.manage")).toBe("admin");
    expect(minimumRole("tenant.manage")).toBe("owner");
  });
});
