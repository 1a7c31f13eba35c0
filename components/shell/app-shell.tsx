"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { OpenAlertsBadge, useLiveAlertCount } from "@/components/anomalies";
import { useTRPC } from "@/components/trpc/react";
import { cn } from "@/components/ui/cn";
import { ErrorState, Spinner } from "@/components/ui/states";
import { NAV_ITEMS } from "./nav";
import { TenantSwitcher } from "./tenant-switcher";
import { UserMenu } from "./user-menu";

const FULL_BLEED = /^\/workflows\/[^/]+$/;

export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const me = useQuery(trpc.session.me.queryOptions());
  const openAlerts = useLiveAlertCount(me.data?.permissions.includes("anomaly.view") ?? false);
  const badgeOf = (href: string) => (href === "/anomalies" ? openAlerts : undefined);

  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-60 shrink-0 flex-col border-r bg-card md:flex">
        <Link
          href="/workflows"
          className="flex h-14 items-center gap-2 border-b px-4 font-semibold"
        >
          {/* eslint-disable-next-line @next/next/no-img-element -- a tiny static SVG needs no optimisation */}
          <img src="/icon.svg" alt="" className="size-7" />
          Maestro
        </Link>
        <nav aria-label="Main" className="flex-1 space-y-1 p-3">
          {NAV_ITEMS.map(({ href, label, icon: Icon }) => {
            const isActive = pathname === href || pathname.startsWith(`${href}/`);
            return (
              <Link
                key={href}
                href={href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
                  isActive
                    ? "bg-primary/10 text-primary"
                    : "text-muted-foreground hover:bg-muted hover:text-foreground",
                )}
              >
                <Icon className="size-4" aria-hidden />
                {label}
                <OpenAlertsBadge count={badgeOf(href)} />
              </Link>
            );
          })}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b bg-card/90 px-4 backdrop-blur">
          <nav aria-label="Main (compact)" className="flex gap-1 overflow-x-auto md:hidden">
            {NAV_ITEMS.map(({ href, label, icon: Icon }) => (
              <Link
                key={href}
                href={href}
                aria-label={label}
                className="relative rounded-md p-2 text-muted-foreground hover:bg-muted"
              >
                <Icon className="size-4" aria-hidden />
                <OpenAlertsBadge count={badgeOf(href)} isCompact />
              </Link>
            ))}
          </nav>
          <div className="min-w-0 flex-1">
            {me.data ? <TenantSwitcher current={me.data.tenant} tenants={me.data.tenants} /> : null}
          </div>
          {me.isPending ? <Spinner /> : null}
          {me.data?.user ? <UserMenu user={me.data.user} /> : null}
        </header>
        {/* The workflow editor takes the whole area: its canvas is the page. */}
        <main
          className={
            FULL_BLEED.test(pathname)
              ? "flex min-h-0 w-full flex-1 flex-col"
              : "mx-auto w-full max-w-6xl flex-1 p-6"
          }
        >
          {me.isError ? (
            <ErrorState message={me.error.message} onRetry={() => void me.refetch()} />
          ) : me.data && !me.data.tenant ? (
            <ErrorState
              title="No tenant yet"
              message="Your account does not belong to any tenant. Ask an admin of your team to add you."
            />
          ) : (
            children
          )}
        </main>
      </div>
    </div>
  );
}
