"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Plug, Server, Store, Users } from "lucide-react";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { CATALOG_CATEGORIES, TRANSPORT_TYPES } from "@/engine/schema/catalog";
import { RecommendedServers } from "@/components/autonomy";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { SearchInput } from "@/components/ui/input";
import { EmptyState, ErrorState, LoadMore, PageHeader, SkeletonRows } from "@/components/ui/states";
import { AddServerDialog } from "./add-server-dialog";
import { ConfigTools } from "./config-tools";
import { RegistrySources } from "./registry-sources";
import { TrustBadges } from "./trust-badges";
import { StatusBadge } from "./status-badge";
import { dateFormat, type CatalogItem } from "./types";

const STATUSES = ["installed", "not-installed", "up", "degraded", "down", "unknown"] as const;
const SORTS = [
  ["popularity", "Most installed"],
  ["health", "Healthiest first"],
  ["name", "Name"],
] as const;

const selectClass = "h-10 rounded-md border bg-card px-3 text-sm";

export function CatalogPage() {
  const trpc = useTRPC();
  const { can } = useMe();
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search.trim());
  const [category, setCategory] = useState<(typeof CATALOG_CATEGORIES)[number] | "">("");
  const [transport, setTransport] = useState<(typeof TRANSPORT_TYPES)[number] | "">("");
  const [status, setStatus] = useState<(typeof STATUSES)[number] | "">("");
  const [sort, setSort] = useState<(typeof SORTS)[number][0]>("popularity");

  const list = useInfiniteQuery(
    trpc.mcp.listCatalog.infiniteQueryOptions(
      {
        limit: 24,
        sort,
        ...(deferredSearch ? { search: deferredSearch } : {}),
        ...(category ? { category } : {}),
        ...(transport ? { transport } : {}),
        ...(status ? { status } : {}),
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const isFiltered = Boolean(deferredSearch || category || transport || status);

  return (
    <>
      <PageHeader
        title="Marketplace"
        description="MCP servers your agents can use. Install one for this tenant, check that it works, and try its tools."
        actions={
          <div className="flex flex-wrap gap-2">
            <Link
              href="/marketplace/installed"
              className="inline-flex h-10 items-center gap-2 rounded-md border bg-card px-4 text-sm font-medium hover:bg-muted"
            >
              <Server className="size-4" aria-hidden />
              Installed servers
            </Link>
            {can("server.install") ? (
              <Link
                href="/marketplace/connect"
                className="inline-flex h-10 items-center gap-2 rounded-md border bg-card px-4 text-sm font-medium hover:bg-muted"
              >
                <Plug className="size-4" aria-hidden />
                Connect to a URL
              </Link>
            ) : null}
            {can("server.install") ? <RegistrySources /> : null}
            <ConfigTools canImport={can("server.install")} />
            {can("server.install") ? <AddServerDialog /> : null}
          </div>
        }
      />
      <RecommendedServers />
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <SearchInput
          label="Search servers"
          placeholder="Search by name, description or tool"
          value={search}
          onChange={setSearch}
          className="min-w-64 flex-1"
        />
        <select
          aria-label="Category"
          className={selectClass}
          value={category}
          onChange={(e) => setCategory(e.target.value as typeof category)}
        >
          <option value="">All categories</option>
          {CATALOG_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <select
          aria-label="Transport"
          className={selectClass}
          value={transport}
          onChange={(e) => setTransport(e.target.value as typeof transport)}
        >
          <option value="">All transports</option>
          {TRANSPORT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select
          aria-label="Status"
          className={selectClass}
          value={status}
          onChange={(e) => setStatus(e.target.value as typeof status)}
        >
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s === "not-installed" ? "not installed" : s === "unknown" ? "not checked" : s}
            </option>
          ))}
        </select>
        <select
          aria-label="Sort"
          className={selectClass}
          value={sort}
          onChange={(e) => setSort(e.target.value as typeof sort)}
        >
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>

      {list.isPending ? (
        <SkeletonRows rows={4} />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={Store} title={isFiltered ? "No server matches" : "The catalog is empty"}>
          <p className="max-w-sm text-sm text-muted-foreground">
            {isFiltered
              ? "Try other words or clear the filters."
              : "Import entries from a registry, a server.json file or an mcpServers config."}
          </p>
        </EmptyState>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3" aria-label="MCP servers">
          {items.map((item) => (
            <CatalogCard key={item.id} item={item} />
          ))}
        </ul>
      )}

      <LoadMore query={list} />
    </>
  );
}

function CatalogCard({ item }: { item: CatalogItem }) {
  return (
    <li className="rounded-xl border bg-card transition-colors hover:border-primary/60">
      <Link
        href={`/marketplace/${item.id}`}
        className="flex h-full flex-col gap-2 p-4"
        aria-label={item.title}
      >
        <div className="flex items-start justify-between gap-2">
          <p className="font-medium">{item.title}</p>
          {item.installedCount > 0 || item.lastCheck ? (
            <StatusBadge status={item.status ?? item.lastCheck?.status} />
          ) : null}
        </div>
        <p className="line-clamp-2 flex-1 text-sm text-muted-foreground">{item.description}</p>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground">
          <span className="rounded bg-muted px-1.5 py-0.5">{item.category}</span>
          <span>{item.transport ?? "no transport"}</span>
          <span className="inline-flex items-center gap-1" title="Installations across all tenants">
            <Users className="size-3" aria-hidden />
            {item.popularity}
          </span>
          {item.installedCount > 0 ? (
            <span className="font-medium text-primary">Installed</span>
          ) : null}
          {item.latencyMs !== null ? (
            <span title="Latency at the last check">{item.latencyMs} ms</span>
          ) : null}
          {item.lastCheck ? (
            <span>Checked {dateFormat.format(item.lastCheck.createdAt)}</span>
          ) : null}
          <TrustBadges isVerified={item.isVerified} registryStatus={item.registryStatus} />
        </div>
      </Link>
    </li>
  );
}
