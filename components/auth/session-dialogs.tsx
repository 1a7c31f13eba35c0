"use client";

import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { FormError } from "@/components/ui/form-error";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { DialogActions } from "@/components/ui/dialog-actions";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Field, Input } from "@/components/ui/input";
import { Spinner } from "@/components/ui/states";

/** Changes the password; the server signs out every other session of the account. */
export function ChangePasswordDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const change = useMutation(trpc.session.changePassword.mutationOptions());
  const [mismatch, setMismatch] = useState<string | null>(null);

  function onChange(next: boolean) {
    onOpenChange(next);
    if (!next) {
      change.reset();
      setMismatch(null);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = String(form.get("newPassword") ?? "");
    if (newPassword !== String(form.get("repeatPassword") ?? "")) {
      setMismatch("The two new passwords differ.");
      return;
    }
    setMismatch(null);
    change.mutate({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword });
  }

  const errors = fieldErrorsOf(change.error, ["currentPassword", "newPassword"] as const);
  return (
    <Dialog
      open={open}
      onOpenChange={onChange}
      size="sm"
      title="Change password"
      description={
        change.data
          ? undefined
          : "Every other browser signed in to your account is signed out; this one stays signed in."
      }
    >
      {change.data ? (
        <div className="space-y-4">
          <p role="status" className="text-sm">
            Your password is changed.{" "}
            {change.data.endedSessions === 0
              ? "You were not signed in anywhere else."
              : `${change.data.endedSessions} other session${change.data.endedSessions === 1 ? " was" : "s were"} signed out.`}
          </p>
          <div className="flex justify-end">
            <DialogClose>
              <Button>Done</Button>
            </DialogClose>
          </div>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <Field label="Current password" htmlFor="currentPassword" error={errors.currentPassword}>
            <Input
              id="currentPassword"
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              required
              autoFocus
            />
          </Field>
          <Field label="New password" htmlFor="newPassword" error={errors.newPassword}>
            <Input
              id="newPassword"
              name="newPassword"
              type="password"
              autoComplete="new-password"
              minLength={12}
              required
            />
          </Field>
          <Field label="New password again" htmlFor="repeatPassword" error={mismatch ?? undefined}>
            <Input
              id="repeatPassword"
              name="repeatPassword"
              type="password"
              autoComplete="new-password"
              required
            />
          </Field>
          <FormError variant="box">{errors.form}</FormError>
          <DialogActions submitLabel="Change password" isPending={change.isPending} />
        </form>
      )}
    </Dialog>
  );
}

/** Ends every session of the account, this one too, then shows the sign-in page. */
export function SignOutEverywhereDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const [isLeaving, setLeaving] = useState(false);
  const end = useMutation(
    trpc.session.signOutEverywhere.mutationOptions({
      onSuccess: async () => {
        setLeaving(true);
        await signOut({ callbackUrl: "/signin" });
      },
    }),
  );
  const isPending = end.isPending || isLeaving;
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) end.reset();
      }}
      size="sm"
      title="Sign out everywhere?"
      description="Every browser and device signed in to your account is signed out at once, this one too. API tokens keep working: revoke them under Admin → API tokens."
    >
      <div className="space-y-4">
        <FormError variant="box">{end.error?.message}</FormError>
        <div className="flex justify-end gap-2">
          <DialogClose>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button variant="danger" disabled={isPending} onClick={() => end.mutate()}>
            {isPending ? <Spinner /> : null}
            Sign out everywhere
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
