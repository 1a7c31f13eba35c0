"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { KeyRound } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { cn } from "@/components/ui/cn";
import { DialogActions } from "@/components/ui/dialog-actions";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "@/components/ui/states";
import { Button } from "@/components/ui/button";
import type { AppRouter } from "@/server/api/root";
import { AdminSection } from "./admin-page";
import { CreateTokenDialog } from "./tokens-create-dialog";
import { DataTable } from "@/components/ui/data-table";

type TokenItem = inferRouterOutputs<AppRouter>["token"]["list"]["items"][number];

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});

const STATUS_STYLES: Record<TokenItem["status"], string> = {
  active: "border-emerald-600/40 bg-emerald-600/10 text-emerald-700 dark:text-emerald-400",
  expired: "bg-muted text-muted-foreground",
  revoked: "border-danger/40 bg-danger/10 text-danger",
};

/** Admin → API tokens: the tenant's tokens, creating one (shown once) and revoking. */
export function TokensPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.token.list.pathKey() });
  return (
    <AdminSection
      permission="token.manage"
      title="API tokens"
      description={
        <>
          For scripts and CI: call the REST API (<code>/api/v1</code>, see the README) or tRPC with
          the header <code>Authorization: Bearer &lt;token&gt;</code>
        </>
      }
      actions={<CreateTokenDialog onCreated={refresh} />}
    >
      <TokenList onRevoked={refresh} />
    </AdminSection>
  );
}

function TokenList({ onRevoked }: { onRevoked: () => void }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.token.list.infiniteQueryOptions(
      { limit: 25 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      {list.isPending ? (
        <SkeletonRows />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={KeyRound} title="No API tokens yet">
          <p className="max-w-sm text-sm text-muted-foreground">
            Create one to start runs and read their results from scripts.
          </p>
        </EmptyState>
      ) : (
        <DataTable
          label="API tokens"
          columns={[
            { label: "Name" },
            { label: "Scopes" },
            { label: "Created by" },
            { label: "Created" },
            { label: "Expires" },
            { label: "Last used" },
            { label: "Status" },
            { label: "Actions", srOnly: true },
          ]}
        >
          <tbody className="divide-y">
            {items.map((token) => (
              <TokenRow key={token.id} token={token} onRevoked={onRevoked} />
            ))}
          </tbody>
        </DataTable>
      )}
      <LoadMore query={list} />
    </>
  );
}

function TokenRow({ token, onRevoked }: { token: TokenItem; onRevoked: () => void }) {
  return (
    <tr>
      <td className="px-4 py-2">
        <div className="whitespace-nowrap font-medium">{token.name}</div>
        <div className="font-mono text-xs text-muted-foreground">{token.prefix}…</div>
      </td>
      <td className="px-4 py-2">
        <div className="flex flex-wrap gap-1">
          {token.scopes.map((scope) => (
            <span key={scope} className="rounded border bg-muted px-1.5 py-0.5 font-mono text-xs">
              {scope}
            </span>
          ))}
        </div>
      </td>
      <td className="px-4 py-2 text-muted-foreground">
        {token.createdByName ?? "a former member"}
      </td>
      <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">
        {dateFormat.format(token.createdAt)}
      </td>
      <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">
        {token.expiresAt ? dateFormat.format(token.expiresAt) : "Never"}
      </td>
      <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">
        {token.lastUsedAt ? dateTimeFormat.format(token.lastUsedAt) : "Never"}
      </td>
      <td className="px-4 py-2">
        <span
          className={cn(
            "inline-flex rounded-full border px-2 py-0.5 text-xs font-medium capitalize",
            STATUS_STYLES[token.status],
          )}
        >
          {token.status}
        </span>
      </td>
      <td className="px-4 py-2 text-right">
        {token.status === "revoked" ? null : <RevokeButton token={token} onRevoked={onRevoked} />}
      </td>
    </tr>
  );
}

function RevokeButton({ token, onRevoked }: { token: TokenItem; onRevoked: () => void }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const revoke = useMutation(
    trpc.token.revoke.mutationOptions({
      onSuccess: (revoked) => {
        toast.success(`“${revoked.name}” revoked`);
        setOpen(false);
        onRevoked();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    revoke.mutate({ id: token.id });
  }
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button variant="secondary" size="sm" aria-label={`Revoke ${token.name}`}>
          Revoke
        </Button>
      }
      size="sm"
      title={<>Revoke “{token.name}”?</>}
      description={
        <>
          Scripts using {token.prefix}… are refused from the next request on. This cannot be undone.
        </>
      }
    >
      <form onSubmit={submit}>
        <DialogActions submitLabel="Revoke token" isPending={revoke.isPending} />
      </form>
    </Dialog>
  );
}
