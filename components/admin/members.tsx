"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Users } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadMore, SkeletonRows, Spinner } from "@/components/ui/states";
import { Invitations } from "./invitations";
import { DataTable } from "@/components/ui/data-table";

const ROLES = ["viewer", "editor", "admin", "owner"] as const;
type Role = (typeof ROLES)[number];
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

/** The members tab: everyone sees the team; admins and owners change roles, remove members and invite. */
export function MembersPage() {
  const me = useMe();
  if (me.isPending) return <SkeletonRows />;
  return (
    <div className="space-y-10">
      <section aria-labelledby="members-heading">
        <h2 id="members-heading" className="mb-3 text-lg font-semibold">
          Members
        </h2>
        <MemberList />
      </section>
      {me.can("member.manage") ? <Invitations /> : null}
    </div>
  );
}

function MemberList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useMe();
  const canManage = me.can("member.manage");
  const myRole = me.data?.tenant?.role;
  const myId = me.data?.user.userId;
  const [removing, setRemoving] = useState<Member | null>(null);

  const list = useInfiniteQuery(
    trpc.member.list.infiniteQueryOptions(
      { limit: 25 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.member.list.pathKey() });
  const changeRole = useMutation(
    trpc.member.changeRole.mutationOptions({
      onSuccess: (member) => toast.success(`${member.name} is now ${member.role}`),
      onError: (error) => toast.error(error.message),
      onSettled: () => void refresh(),
    }),
  );
  const remove = useMutation(
    trpc.member.remove.mutationOptions({
      onSuccess: () => {
        toast.success(`Removed ${removing?.name ?? "the member"}`);
        setRemoving(null);
        void refresh();
      },
    }),
  );

  if (list.isPending) return <SkeletonRows rows={4} />;
  if (list.isError)
    return <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />;
  const members = list.data.pages.flatMap((page) => page.items);
  if (members.length === 0) return <EmptyState icon={Users} title="No members yet" />;

  /** Why this member's role or membership cannot be changed by me, or null when it can. */
  const lockedReason = (member: Member) => {
    if (!canManage) return "Only admins and owners change roles";
    if (member.userId === myId) return "You cannot change your own role";
    if (member.role === "owner" && myRole !== "owner") return "Only an owner can change an owner";
    return null;
  };

  return (
    <>
      <DataTable
        label="Members"
        columns={[
          { label: "Member" },
          { label: "Role" },
          { label: "Joined" },
          ...(canManage ? [{ label: "Actions", srOnly: true }] : []),
        ]}
      >
        <tbody className="divide-y">
          {members.map((member) => {
            const locked = lockedReason(member);
            const isChanging =
              changeRole.isPending && changeRole.variables?.userId === member.userId;
            return (
              <tr key={member.userId}>
                <td className="px-4 py-2">
                  <p className="font-medium">
                    {member.name}
                    {member.userId === myId ? (
                      <span className="ml-2 text-xs text-muted-foreground">(you)</span>
                    ) : null}
                  </p>
                  <p className="text-muted-foreground">{member.email}</p>
                </td>
                <td className="px-4 py-2">
                  {canManage ? (
                    <span className="flex items-center gap-2">
                      <select
                        aria-label={`Role of ${member.name}`}
                        className="h-8 rounded-md border bg-card px-2 text-sm disabled:opacity-60"
                        value={
                          isChanging && changeRole.variables
                            ? changeRole.variables.role
                            : member.role
                        }
                        disabled={Boolean(locked) || changeRole.isPending}
                        title={locked ?? undefined}
                        onChange={(e) =>
                          changeRole.mutate({ userId: member.userId, role: e.target.value as Role })
                        }
                      >
                        {ROLES.map((role) => (
                          <option
                            key={role}
                            value={role}
                            disabled={role === "owner" && myRole !== "owner"}
                          >
                            {role}
                          </option>
                        ))}
                      </select>
                      {isChanging ? <Spinner label="Saving role" /> : null}
                    </span>
                  ) : (
                    <span className="capitalize">{member.role}</span>
                  )}
                </td>
                <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">
                  {dateFormat.format(member.joinedAt)}
                </td>
                {canManage ? (
                  <td className="px-4 py-2 text-right">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Remove ${member.name}`}
                      disabled={Boolean(locked)}
                      title={locked ?? undefined}
                      onClick={() => {
                        remove.reset();
                        setRemoving(member);
                      }}
                    >
                      Remove
                    </Button>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </DataTable>
      <LoadMore query={list} />

      <Dialog
        open={Boolean(removing)}
        onOpenChange={(open) => !open && setRemoving(null)}
        size="sm"
        title={<>Remove {removing?.name}?</>}
        description={
          <>
            {removing?.email} loses access to {me.data?.tenant?.name} at once, and their API tokens
            here stop working. Their account stays; you can invite them again later.
          </>
        }
      >
        <FormError className="mb-4">{remove.error?.message}</FormError>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (removing) remove.mutate({ userId: removing.userId });
          }}
          className="flex justify-end gap-2"
        >
          <DialogClose>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button type="submit" variant="danger" disabled={remove.isPending}>
            {remove.isPending ? <Spinner /> : null}
            Remove member
          </Button>
        </form>
      </Dialog>
    </>
  );
}
