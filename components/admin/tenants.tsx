"use client";

import * as Menu from "@radix-ui/react-dropdown-menu";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Building2, MoreHorizontal, Plus, ShieldOff } from "lucide-react";
import { useDeferredValue, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { DialogActions } from "@/components/ui/dialog-actions";
import { FormError } from "@/components/ui/form-error";
import { Field, Input, SearchInput } from "@/components/ui/input";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "@/components/ui/states";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { DataTable } from "@/components/ui/data-table";

const numberFormat = new Intl.NumberFormat();
const costFormat = new Intl.NumberFormat(undefined, {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 2,
});
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const itemClass =
  "cursor-pointer rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted";

interface TenantItem {
  id: string;
  name: string;
  slug: string;
  suspendedAt: Date | null;
}

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);

/** Platform administration: every tenant with its members and this month's usage. Superadmins only. */
export function TenantsPage() {
  const me = useMe();
  if (me.isPending) return <SkeletonRows />;
  if (!me.data?.user.isSuperadmin) {
    return (
      <EmptyState icon={ShieldOff} title="Platform admins only">
        <p className="text-sm text-muted-foreground">
          Tenants are created and managed by the administrators of this Maestro installation.
        </p>
      </EmptyState>
    );
  }
  return <TenantList />;
}

function TenantList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search.trim());
  const [isCreating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<TenantItem | null>(null);
  const [deleting, setDeleting] = useState<TenantItem | null>(null);

  const list = useInfiniteQuery(
    trpc.platform.listTenants.infiniteQueryOptions(
      { limit: 25, search: deferredSearch || undefined },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  // The tenant switcher lists tenants too (a superadmin sees all of them).
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.platform.listTenants.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.session.me.queryKey() }),
    ]);
  const setSuspended = useMutation(
    trpc.platform.setSuspended.mutationOptions({
      onSuccess: (tenant) =>
        toast.success(tenant.suspendedAt ? `Suspended ${tenant.name}` : `Resumed ${tenant.name}`),
      onError: (error) => toast.error(error.message),
      onSettled: () => void refresh(),
    }),
  );

  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="tenants-heading">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="tenants-heading" className="text-lg font-semibold">
            Tenants
          </h2>
          <p className="text-sm text-muted-foreground">
            Every tenant of this installation. Usage counts runs that ended this month (UTC).
          </p>
        </div>
        <CreateTenantDialog open={isCreating} onOpenChange={setCreating} onDone={refresh} />
      </div>
      <SearchInput
        label="Search tenants"
        placeholder="Search by name or slug"
        value={search}
        onChange={setSearch}
      />

      {list.isPending ? (
        <SkeletonRows />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          icon={Building2}
          title={deferredSearch ? "No tenant matches" : "No tenants yet"}
        >
          <p className="text-sm text-muted-foreground">
            {deferredSearch
              ? `Nothing is named like “${deferredSearch}”.`
              : "Create the first one."}
          </p>
        </EmptyState>
      ) : (
        <DataTable
          label="Tenants"
          columns={[
            { label: "Tenant" },
            { label: "Status" },
            { label: "Members", align: "right" },
            { label: "Runs", align: "right" },
            { label: "Tokens", align: "right" },
            { label: "Cost", align: "right" },
            { label: "Actions", srOnly: true },
          ]}
        >
          <tbody className="divide-y">
            {items.map((tenant) => (
              <tr key={tenant.id}>
                <td className="px-4 py-2">
                  <p className="font-medium">{tenant.name}</p>
                  <p className="text-xs text-muted-foreground">
                    {tenant.slug} · since {dateFormat.format(tenant.createdAt)}
                  </p>
                </td>
                <td className="px-4 py-2">
                  {tenant.suspendedAt ? (
                    <span
                      className="rounded-full bg-danger/10 px-2 py-0.5 text-xs font-medium text-danger"
                      title={`Since ${dateFormat.format(tenant.suspendedAt)}`}
                    >
                      Suspended
                    </span>
                  ) : (
                    <span className="rounded-full bg-muted px-2 py-0.5 text-xs font-medium">
                      Active
                    </span>
                  )}
                </td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {numberFormat.format(tenant.memberCount)}
                </td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {numberFormat.format(tenant.usage.runs)}
                </td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {numberFormat.format(tenant.usage.tokens)}
                </td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {costFormat.format(tenant.usage.costUsd)}
                </td>
                <td className="px-4 py-2 text-right">
                  <Menu.Root>
                    <Menu.Trigger
                      aria-label={`Actions for ${tenant.name}`}
                      className="rounded-md p-1.5 hover:bg-muted"
                    >
                      <MoreHorizontal className="size-4" aria-hidden />
                    </Menu.Trigger>
                    <Menu.Portal>
                      <Menu.Content
                        align="end"
                        className="z-50 min-w-40 rounded-lg border bg-card p-1 shadow-lg"
                      >
                        <Menu.Item className={itemClass} onSelect={() => setRenaming(tenant)}>
                          Rename…
                        </Menu.Item>
                        <Menu.Item
                          className={itemClass}
                          onSelect={() =>
                            setSuspended.mutate({ id: tenant.id, suspended: !tenant.suspendedAt })
                          }
                        >
                          {tenant.suspendedAt ? "Resume" : "Suspend"}
                        </Menu.Item>
                        <Menu.Item
                          className={`${itemClass} text-danger`}
                          onSelect={() => setDeleting(tenant)}
                        >
                          Delete…
                        </Menu.Item>
                      </Menu.Content>
                    </Menu.Portal>
                  </Menu.Root>
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      <LoadMore query={list} />

      {renaming ? (
        <RenameTenantDialog tenant={renaming} onClose={() => setRenaming(null)} onDone={refresh} />
      ) : null}
      {deleting ? (
        <DeleteTenantDialog tenant={deleting} onClose={() => setDeleting(null)} onDone={refresh} />
      ) : null}
    </section>
  );
}

function CreateTenantDialog({
  open,
  onOpenChange,
  onDone,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDone: () => unknown;
}) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [isSlugEdited, setSlugEdited] = useState(false);
  const create = useMutation(
    trpc.platform.createTenant.mutationOptions({
      onSuccess: (tenant) => {
        toast.success(`Created ${tenant.name}`);
        onOpenChange(false);
        void onDone();
      },
    }),
  );
  const errors = fieldErrorsOf(create.error, ["name", "slug", "ownerEmail"] as const);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ownerEmail = String(new FormData(event.currentTarget).get("ownerEmail") ?? "").trim();
    create.mutate({ name, slug, ownerEmail: ownerEmail || undefined });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) {
          create.reset();
          setName("");
          setSlug("");
          setSlugEdited(false);
        }
      }}
      trigger={
        <Button>
          <Plus className="size-4" aria-hidden />
          New tenant
        </Button>
      }
      title="New tenant"
      description="The owner can invite the rest of the team."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Name" htmlFor="tenant-name" error={errors.name}>
          <Input
            id="tenant-name"
            value={name}
            maxLength={80}
            autoFocus
            aria-invalid={Boolean(errors.name)}
            onChange={(e) => {
              setName(e.target.value);
              if (!isSlugEdited) setSlug(slugOf(e.target.value));
            }}
          />
        </Field>
        <Field label="Slug" htmlFor="tenant-slug" error={errors.slug}>
          <Input
            id="tenant-slug"
            value={slug}
            maxLength={48}
            aria-invalid={Boolean(errors.slug)}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugEdited(true);
            }}
          />
        </Field>
        <Field label="Owner's e-mail (optional)" htmlFor="tenant-owner" error={errors.ownerEmail}>
          <Input
            id="tenant-owner"
            name="ownerEmail"
            type="email"
            placeholder="Empty: you become the owner"
            aria-invalid={Boolean(errors.ownerEmail)}
          />
        </Field>
        <FormError>{errors.form}</FormError>
        <DialogActions submitLabel="Create tenant" isPending={create.isPending} />
      </form>
    </Dialog>
  );
}

function RenameTenantDialog({
  tenant,
  onClose,
  onDone,
}: {
  tenant: TenantItem;
  onClose: () => void;
  onDone: () => unknown;
}) {
  const trpc = useTRPC();
  const rename = useMutation(
    trpc.platform.renameTenant.mutationOptions({
      onSuccess: (renamed) => {
        toast.success(`Renamed to ${renamed.name}`);
        onClose();
        void onDone();
      },
    }),
  );
  const errors = fieldErrorsOf(rename.error, ["name"] as const);
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Rename ${tenant.name}`}
      description={`The slug stays ${tenant.slug}.`}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate({
            id: tenant.id,
            name: String(new FormData(e.currentTarget).get("name") ?? ""),
          });
        }}
        className="space-y-4"
        noValidate
      >
        <Field label="Name" htmlFor="rename-tenant" error={errors.name}>
          <Input
            id="rename-tenant"
            name="name"
            defaultValue={tenant.name}
            maxLength={80}
            autoFocus
            aria-invalid={Boolean(errors.name)}
          />
        </Field>
        <FormError>{errors.form}</FormError>
        <DialogActions submitLabel="Save" isPending={rename.isPending} />
      </form>
    </Dialog>
  );
}

function DeleteTenantDialog({
  tenant,
  onClose,
  onDone,
}: {
  tenant: TenantItem;
  onClose: () => void;
  onDone: () => unknown;
}) {
  const trpc = useTRPC();
  const [typed, setTyped] = useState("");
  const remove = useMutation(
    trpc.platform.deleteTenant.mutationOptions({
      onSuccess: (deleted) => {
        toast.success(`Deleted ${deleted.name} and all its data`);
        onClose();
        void onDone();
      },
    }),
  );
  const errors = fieldErrorsOf(remove.error, ["confirmName"] as const);
  const matches = typed.trim() === tenant.name;
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Delete ${tenant.name}?`}
      description={
        <>
          This deletes the tenant and everything in it: members, workflows, runs, installed servers,
          tokens, usage and its audit log. It cannot be undone. Type{" "}
          <strong className="text-foreground">{tenant.name}</strong> to confirm.
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          remove.mutate({ id: tenant.id, confirmName: typed });
        }}
        className="space-y-4"
        noValidate
      >
        <Field label="Tenant name" htmlFor="delete-tenant-name" error={errors.confirmName}>
          <Input
            id="delete-tenant-name"
            value={typed}
            autoComplete="off"
            autoFocus
            onChange={(e) => setTyped(e.target.value)}
            aria-invalid={Boolean(errors.confirmName)}
          />
        </Field>
        <FormError>{errors.form}</FormError>
        <div className="flex justify-end gap-2">
          <DialogClose>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button type="submit" variant="danger" disabled={!matches || remove.isPending}>
            Delete tenant
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
