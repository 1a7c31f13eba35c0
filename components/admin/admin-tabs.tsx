"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useMe } from "@/components/shared/use-me";
import { cn } from "@/components/ui/cn";

/** The admin section's tabs; each shows only to those who may open it. */
const TABS = [
  { href: "/admin/members", label: "Members", permission: "member.view" },
  { href: "/admin/tokens", label: "API tokens", permission: "token.manage" },
  { href: "/admin/limits", label: "Limits", permission: "member.view" },
  { href: "/admin/usage", label: "Usage", permission: "usage.view" },
  { href: "/admin/llm", label: "LLM providers", permission: "secret.manage" },
  { href: "/admin/audit", label: "Audit log", permission: "audit.view" },
  { href: "/admin/tenants", label: "Tenants", permission: "platform" },
] as const;

export function AdminTabs() {
  const pathname = usePathname();
  const me = useMe();
  const visible = TABS.filter((tab) =>
    tab.permission === "platform" ? me.data?.user.isSuperadmin : me.can(tab.permission),
  );
  return (
    <nav aria-label="Admin sections" className="mb-6 flex flex-wrap gap-1 border-b">
      {visible.map((tab) => {
        const isActive = pathname === tab.href || pathname.startsWith(`${tab.href}/`);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={isActive ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm",
              isActive
                ? "border-primary font-medium text-foreground"
                : "border-transparent text-muted-foreground hover:text-foreground",
            )}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
