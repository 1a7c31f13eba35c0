"use client";

import { ShieldOff } from "lucide-react";
import type { ReactNode } from "react";
import { useMe } from "@/components/shared/use-me";
import { EmptyState, SkeletonRows } from "@/components/ui/states";

/**
 * One admin tab: its heading and content for those whose role has `permission`, else a note
 * saying who may (the server refuses them anyway).
 */
export function AdminSection({
  permission,
  title,
  description,
  actions,
  children,
}: {
  permission: string;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const me = useMe();
  if (me.isPending) return <SkeletonRows />;
  if (!me.can(permission)) {
    return (
      <EmptyState icon={ShieldOff} title="Admins only">
        <p className="text-sm text-muted-foreground">
          Your role in this tenant is {me.data?.tenant?.role}. Ask an admin or the owner.
        </p>
      </EmptyState>
    );
  }
  const id = `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-heading`;
  return (
    <section aria-labelledby={id}>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id={id} className="text-lg font-semibold">
            {title}
          </h2>
          {description ? <p className="text-sm text-muted-foreground">{description}</p> : null}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
