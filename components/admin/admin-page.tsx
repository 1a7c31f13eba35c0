"use client";

import { ShieldOff } from "lucide-react";
import { useMe } from "@/components/shell/use-me";
import { EmptyState, PageHeader, SkeletonRows } from "@/components/ui/states";
import { AuditLog } from "./audit-log";

export function AdminPage() {
  const me = useMe();
  return (
    <>
      <PageHeader
        title="Admin"
        description="Members and roles, quotas, usage and API tokens are coming; the audit log records every change already."
      />
      {me.isPending ? (
        <SkeletonRows />
      ) : me.can("audit.view") ? (
        <section aria-labelledby="audit-heading">
          <h2 id="audit-heading" className="mb-3 text-lg font-semibold">
            Audit log
          </h2>
          <AuditLog />
        </section>
      ) : (
        <EmptyState icon={ShieldOff} title="Admins only">
          <p className="text-sm text-muted-foreground">Your role in this tenant is {me.data?.tenant?.role}. Ask an admin or the owner.</p>
        </EmptyState>
      )}
    </>
  );
}
