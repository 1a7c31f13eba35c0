"use client";

import * as Menu from "@radix-ui/react-dropdown-menu";
import { useMutation } from "@tanstack/react-query";
import { Building2, Check, ChevronsUpDown } from "lucide-react";
import { useSession } from "next-auth/react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/react";
import { Spinner } from "@/components/ui/states";

interface TenantOption {
  id: string;
  name: string;
  role: string;
}

export function TenantSwitcher({
  current,
  tenants,
}: {
  current: TenantOption | null;
  tenants: TenantOption[];
}) {
  const trpc = useTRPC();
  const { update } = useSession();
  const switchTenant = useMutation(
    trpc.session.switchTenant.mutationOptions({
      onSuccess: async (tenant) => {
        await update({ tenantId: tenant.id });
        // A full load of the section, not the page: an open item belongs to the tenant we just left,
        // and every cached query holds the old tenant's data.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- see above
        window.location.assign(`/${window.location.pathname.split("/")[1] ?? ""}`);
      },
      onError: (error) => toast.error(error.message),
    }),
  );

  const label = (
    <>
      <Building2 className="size-4 shrink-0 text-muted-foreground" aria-hidden />
      <span className="truncate font-medium">{current?.name ?? "No tenant"}</span>
      {current ? <span className="text-xs text-muted-foreground">{current.role}</span> : null}
    </>
  );
  if (tenants.length <= 1) {
    return (
      <div className="flex min-w-0 items-center gap-2 px-2 text-sm" data-testid="current-tenant">
        {label}
      </div>
    );
  }
  return (
    <Menu.Root>
      <Menu.Trigger
        className="flex min-w-0 items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
        aria-label="Switch tenant"
        data-testid="current-tenant"
      >
        {label}
        {switchTenant.isPending ? (
          <Spinner />
        ) : (
          <ChevronsUpDown className="size-4 text-muted-foreground" aria-hidden />
        )}
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          align="start"
          sideOffset={6}
          className="z-50 min-w-56 rounded-lg border bg-card p-1 shadow-lg"
        >
          <Menu.Label className="px-2 py-1.5 text-xs text-muted-foreground">Tenants</Menu.Label>
          {tenants.map((tenant) => (
            <Menu.Item
              key={tenant.id}
              onSelect={() =>
                tenant.id !== current?.id && switchTenant.mutate({ tenantId: tenant.id })
              }
              className="flex cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted"
            >
              <Check
                className={`size-4 ${tenant.id === current?.id ? "" : "invisible"}`}
                aria-hidden
              />
              <span className="flex-1">{tenant.name}</span>
              <span className="text-xs text-muted-foreground">{tenant.role}</span>
            </Menu.Item>
          ))}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
