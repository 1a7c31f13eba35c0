"use client";

import * as Menu from "@radix-ui/react-dropdown-menu";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, MoreHorizontal, Server } from "lucide-react";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { SearchInput } from "@/components/ui/input";
import { EmptyState, ErrorState, LoadMore, PageHeader, SkeletonRows } from "@/components/ui/states";
import { CheckButton } from "./check-button";
import { StatusBadge } from "./status-badge";
import { dateFormat, messageOf, type InstallationItem } from "./types";

const menuItem =
  "cursor-pointer rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted";

/** The tenant's installed servers with their health, and what admins may do to them. */
export function InstalledList() {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search.trim());
  const list = useInfiniteQuery(
    trpc.mcp.listInstallations.infiniteQueryOptions(
      { limit: 25, ...(deferredSearch ? { search: deferredSearch } : {}) },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <Link
        href="/marketplace"
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Marketplace
      </Link>
      <PageHeader
        title="Installed servers"
        description="This tenant's MCP servers, their health from checks and periodic probes, and a tool runner for each."
      />
      <SearchInput
        label="Search installed servers"
        placeholder="Search installed servers"
        value={search}
        onChange={setSearch}
      />
      {list.isPending ? (
        <SkeletonRows />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          icon={Server}
          title={deferredSearch ? "No installed server matches" : "No servers installed yet"}
        >
          <p className="max-w-sm text-sm text-muted-foreground">
            {deferredSearch
              ? `Nothing is named like “${deferredSearch}”.`
              : "Pick one in the marketplace and install it for this tenant."}
          </p>
          {!deferredSearch ? (
            <Link
              href="/marketplace"
              className="text-sm font-medium text-primary underline underline-offset-2"
            >
              Browse the marketplace
            </Link>
          ) : null}
        </EmptyState>
      ) : (
        <ul className="divide-y rounded-xl border bg-card" aria-label="Installed servers">
          {items.map((item) => (
            <InstalledRow key={item.id} item={item} />
          ))}
        </ul>
      )}
      <LoadMore query={list} />
    </>
  );
}

function InstalledRow({ item }: { item: InstallationItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() });
  const setEnabled = useMutation(
    trpc.mcp.setEnabled.mutationOptions({
      onSuccess: (row) => {
        toast.success(`${row.name} ${row.enabled ? "enabled" : "disabled"}`);
        void refresh();
      },
      onError: (error) => toast.error(messageOf(error)),
    }),
  );
  const uninstall = useMutation(
    trpc.mcp.uninstall.mutationOptions({
      onSuccess: (row) => {
        toast.success(`${row.name} uninstalled`);
        void refresh();
      },
      onError: (error) => toast.error(messageOf(error)),
    }),
  );

  return (
    <li className="flex flex-wrap items-center gap-4 px-4 py-3">
      <Server className="size-5 shrink-0 text-primary" aria-hidden />
      <div className="min-w-0 flex-1">
        <Link href={`/marketplace/installed/${item.id}`} className="font-medium hover:underline">
          {item.name}
        </Link>
        <p className="truncate text-sm text-muted-foreground">
          {item.entry.title} · {item.entry.transport ?? "?"}
          {item.lastError ? ` · ${item.lastError}` : ""}
        </p>
      </div>
      <span className="hidden text-xs text-muted-foreground sm:block">
        {item.latencyMs !== null ? `${item.latencyMs} ms · ` : ""}
        {item.lastCheckedAt ? `checked ${dateFormat.format(item.lastCheckedAt)}` : "never checked"}
      </span>
      {item.enabled ? (
        <StatusBadge status={item.status} />
      ) : (
        <span className="rounded-full border px-2 py-0.5 text-xs text-muted-foreground">
          Disabled
        </span>
      )}
      {can("server.check") ? (
        <CheckButton installationId={item.id} name={item.name} disabled={!item.enabled} />
      ) : null}
      {can("server.install") ? (
        <Menu.Root>
          <Menu.Trigger
            aria-label={`Actions for ${item.name}`}
            className="rounded-md p-1.5 hover:bg-muted"
          >
            <MoreHorizontal className="size-4" aria-hidden />
          </Menu.Trigger>
          <Menu.Portal>
            <Menu.Content
              align="end"
              className="z-50 min-w-40 rounded-lg border bg-card p-1 shadow-lg"
            >
              <Menu.Item
                className={menuItem}
                onSelect={() => setEnabled.mutate({ id: item.id, enabled: !item.enabled })}
              >
                {item.enabled ? "Disable" : "Enable"}
              </Menu.Item>
              <Menu.Item
                className={`${menuItem} text-danger`}
                onSelect={() => {
                  if (
                    window.confirm(
                      `Uninstall “${item.name}”? Workflows that use it will fail until it is installed again.`,
                    )
                  )
                    uninstall.mutate({ id: item.id });
                }}
              >
                Uninstall
              </Menu.Item>
            </Menu.Content>
          </Menu.Portal>
        </Menu.Root>
      ) : null}
    </li>
  );
}
