"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { MailPlus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input } from "@/components/ui/input";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { SecretShownOnce } from "@/components/ui/secret-shown-once";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "@/components/ui/states";
import { DataTable } from "@/components/ui/data-table";

const ROLES = ["viewer", "editor", "admin", "owner"] as const;
type Role = (typeof ROLES)[number];
const EXPIRY_DAYS = [1, 7, 30] as const;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Pending invitations by link, and the dialog that makes one. For admins and owners. */
export function Invitations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isInviting, setInviting] = useState(false);
  const list = useInfiniteQuery(
    trpc.member.listInvitations.infiniteQueryOptions(
      { limit: 25 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const revoke = useMutation(
    trpc.member.revokeInvitation.mutationOptions({
      onSuccess: () => toast.success("Invitation revoked: its link no longer works"),
      onError: (error) => toast.error(error.message),
      onSettled: () =>
        void queryClient.invalidateQueries({ queryKey: trpc.member.listInvitations.pathKey() }),
    }),
  );

  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="invitations-heading">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="invitations-heading" className="text-lg font-semibold">
            Pending invitations
          </h2>
          <p className="text-sm text-muted-foreground">
            Links that have not been used, revoked or expired yet.
          </p>
        </div>
        <InviteDialog open={isInviting} onOpenChange={setInviting} />
      </div>
      {list.isPending ? (
        <SkeletonRows rows={2} />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={MailPlus} title="No pending invitations">
          <p className="max-w-sm text-sm text-muted-foreground">
            Invite someone with a link: they open it, sign in or create an account, and join.
          </p>
        </EmptyState>
      ) : (
        <DataTable
          label="Pending invitations"
          columns={[
            { label: "For" },
            { label: "Role" },
            { label: "Expires" },
            { label: "Invited by" },
            { label: "Actions", srOnly: true },
          ]}
        >
          <tbody className="divide-y">
            {items.map((invitation) => {
              const label = invitation.email ?? "Anyone with the link";
              return (
                <tr key={invitation.id}>
                  <td className="px-4 py-2">{label}</td>
                  <td className="px-4 py-2 capitalize">{invitation.role}</td>
                  <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">
                    {dateFormat.format(invitation.expiresAt)}
                  </td>
                  <td className="px-4 py-2 text-muted-foreground">
                    {invitation.invitedByName ?? "—"}
                  </td>
                  <td className="px-4 py-2 text-right">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Revoke the invitation for ${label} as ${invitation.role}`}
                      disabled={revoke.isPending && revoke.variables?.id === invitation.id}
                      onClick={() => revoke.mutate({ id: invitation.id })}
                    >
                      Revoke
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </DataTable>
      )}
      <LoadMore query={list} />
    </section>
  );
}

function InviteDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useMe();
  const [link, setLink] = useState<string | null>(null);
  const invite = useMutation(
    trpc.member.invite.mutationOptions({
      onSuccess: ({ token }) => {
        setLink(`${window.location.origin}/invite/${token}`);
        void queryClient.invalidateQueries({ queryKey: trpc.member.listInvitations.pathKey() });
      },
    }),
  );
  const errors = fieldErrorsOf(invite.error, ["role", "email", "expiresInDays"] as const);
  const mayGrantOwner = me.data?.tenant?.role === "owner";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    invite.mutate({
      role: String(form.get("role")) as Role,
      email: email || undefined,
      expiresInDays: Number(form.get("expiresInDays")) as (typeof EXPIRY_DAYS)[number],
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) {
          setLink(null);
          invite.reset();
        }
      }}
      trigger={
        <Button>
          <MailPlus className="size-4" aria-hidden />
          Invite member
        </Button>
      }
      size="sm"
      title={link ? "Send this link" : "Invite a member"}
      description={
        link
          ? "Send it to the person you invite, by a channel you trust. It works once."
          : `You get a link to send yourself. Whoever opens it joins ${me.data?.tenant?.name ?? ""} with the role you choose.`
      }
    >
      {link ? (
        <InvitationLink link={link} />
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <Field label="Role" htmlFor="invite-role" error={errors.role}>
            <select
              id="invite-role"
              name="role"
              defaultValue="editor"
              className="h-10 w-full rounded-md border bg-card px-3 text-sm"
            >
              {ROLES.filter((role) => role !== "owner" || mayGrantOwner).map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </Field>
          <Field label="E-mail (optional)" htmlFor="invite-email" error={errors.email}>
            <Input
              id="invite-email"
              name="email"
              type="email"
              placeholder="Only this address may accept"
              aria-invalid={Boolean(errors.email)}
            />
          </Field>
          <Field label="Expires after" htmlFor="invite-expiry" error={errors.expiresInDays}>
            <select
              id="invite-expiry"
              name="expiresInDays"
              defaultValue="7"
              className="h-10 w-full rounded-md border bg-card px-3 text-sm"
            >
              {EXPIRY_DAYS.map((days) => (
                <option key={days} value={days}>
                  {days === 1 ? "1 day" : `${days} days`}
                </option>
              ))}
            </select>
          </Field>
          <FormError>{errors.form}</FormError>
          <DialogActions submitLabel="Create link" isPending={invite.isPending} />
        </form>
      )}
    </Dialog>
  );
}

function InvitationLink({ link }: { link: string }) {
  return (
    <SecretShownOnce
      warning="You will not see this link again: only a hash of it is stored. If it gets lost, revoke the invitation and make a new one."
      label="link"
      fieldLabel="Invitation link"
      value={link}
    />
  );
}
