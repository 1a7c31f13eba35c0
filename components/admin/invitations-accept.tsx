"use client";

import Link from "next/link";
import { useMutation, useQuery } from "@tanstack/react-query";
import { signIn, signOut, useSession } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { FormError } from "@/components/ui/form-error";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import { fieldErrorsOf } from "@/components/ui/field-errors";

const MIN_PASSWORD_LENGTH = 12;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

const CLOSED: Record<"accepted" | "revoked" | "expired", { title: string; message: string }> = {
  accepted: {
    title: "This invitation has been used",
    message: "Each link works once. Ask an admin of the tenant for a new one.",
  },
  revoked: {
    title: "This invitation was revoked",
    message: "Ask an admin of the tenant for a new one.",
  },
  expired: {
    title: "This invitation has expired",
    message: "Ask an admin of the tenant for a new one.",
  },
};

/** Makes the joined tenant the session's current one, then opens the app there (a full load: every cache belongs to the old tenant). */
async function openTenant(update: ReturnType<typeof useSession>["update"], tenantId: string) {
  await update({ tenantId });
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load, see above
  window.location.assign("/workflows");
}

/** The page behind an invitation link: what it offers, and accepting it signed in, by signing in, or with a new account. */
export function InvitationAccept({ token }: { token: string }) {
  const trpc = useTRPC();
  const session = useSession();
  const invitation = useQuery(trpc.member.invitation.queryOptions({ token }));

  if (invitation.isPending || session.status === "loading") return <SkeletonRows rows={2} />;
  if (invitation.isError) {
    const isInvalid = ["NOT_FOUND", "BAD_REQUEST"].includes(errorCode(invitation.error));
    return isInvalid ? (
      <ErrorState
        title="This invitation link is not valid"
        message="Check that you copied all of it, or ask for a new one."
      />
    ) : (
      <ErrorState message={invitation.error.message} onRetry={() => void invitation.refetch()} />
    );
  }
  const { tenant, role, email, expiresAt, status } = invitation.data;
  if (status !== "pending") {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">{CLOSED[status].title}</h1>
        <p role="alert" className="text-sm text-muted-foreground">
          {CLOSED[status].message}
        </p>
        {/* A full page load: the visitor may have just signed in (STACK.md: a client-side push can land back on sign-in). */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/workflows" className="text-sm font-medium underline underline-offset-2">
          Go to Maestro
        </a>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Join {tenant.name}</h1>
        <p className="mt-1 text-sm text-muted-foreground">
          You are invited to join <strong className="text-foreground">{tenant.name}</strong> as{" "}
          <strong className="text-foreground">{role}</strong>
          {email ? <> ({email} only)</> : null}. The invitation expires{" "}
          {dateFormat.format(expiresAt)}.
        </p>
      </div>
      {session.status === "authenticated" ? (
        <AcceptSignedIn token={token} signedInAs={session.data.user.email} />
      ) : (
        <AcceptSignedOut token={token} boundEmail={email} />
      )}
    </div>
  );
}

function AcceptSignedIn({ token, signedInAs }: { token: string; signedInAs: string }) {
  const trpc = useTRPC();
  const { update } = useSession();
  const [isOpening, setOpening] = useState(false);
  const accept = useMutation(
    trpc.member.acceptInvitation.mutationOptions({
      onSuccess: async (result) => {
        if (result.outcome === "joined") {
          setOpening(true);
          await openTenant(update, result.tenant.id);
        }
      },
    }),
  );
  const result = accept.data;
  if (result?.outcome === "already-member") {
    return (
      <div className="space-y-4">
        <p role="status" className="rounded-md border bg-muted/50 px-3 py-2 text-sm">
          You are already a member of {result.tenant.name} (as {result.role}). Nothing changed, and
          the invitation was not used.
        </p>
        <Button
          onClick={() => {
            setOpening(true);
            void openTenant(update, result.tenant.id);
          }}
          disabled={isOpening}
        >
          {isOpening ? <Spinner /> : null}
          Open {result.tenant.name}
        </Button>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <p className="text-sm text-muted-foreground">
        Signed in as <span className="font-medium text-foreground">{signedInAs}</span>.
      </p>
      <FormError variant="box">{accept.error?.message}</FormError>
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => accept.mutate({ token })} disabled={accept.isPending || isOpening}>
          {accept.isPending || isOpening ? <Spinner /> : null}
          Accept invitation
        </Button>
        <Button
          variant="secondary"
          onClick={() => void signOut({ callbackUrl: `/invite/${token}` })}
        >
          Use another account
        </Button>
      </div>
    </div>
  );
}

function AcceptSignedOut({ token, boundEmail }: { token: string; boundEmail: string | null }) {
  const trpc = useTRPC();
  const [clientErrors, setClientErrors] = useState<{
    name?: string;
    email?: string;
    password?: string;
  }>({});
  const [signInFailed, setSignInFailed] = useState(false);
  const [isSigningIn, setSigningIn] = useState(false);
  const signUp = useMutation(trpc.member.signUpWithInvitation.mutationOptions());
  const serverErrors = fieldErrorsOf(signUp.error, ["name", "email", "password"] as const);
  const errors = { ...serverErrors, ...clientErrors };
  const signInUrl = `/signin?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = {
      name: String(form.get("name") ?? "").trim(),
      email: boundEmail ?? String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    };
    const found: typeof clientErrors = {};
    if (!values.name) found.name = "Enter your name";
    if (!values.email) found.email = "Enter an e-mail address";
    if (values.password.length < MIN_PASSWORD_LENGTH)
      found.password = `At least ${MIN_PASSWORD_LENGTH} characters`;
    setClientErrors(found);
    if (Object.keys(found).length > 0) return;

    let created: Awaited<ReturnType<typeof signUp.mutateAsync>>;
    try {
      created = await signUp.mutateAsync({ token, ...values });
    } catch {
      return; // shown from signUp.error
    }
    setSigningIn(true);
    const credentials = { email: created.email, password: values.password, redirect: false };
    try {
      let result = await signIn("credentials", credentials);
      // next-auth answers `?csrf=true` (no error, no session) when two CSRF fetches raced: ask once more.
      if (result && !result.error && result.url?.includes("csrf=true"))
        result = await signIn("credentials", credentials);
      if (!result || result.error) throw new Error(result?.error ?? "sign-in failed");
      // A full load, not router.push: the router may hold a redirect it prefetched while signed out.
      // The new account's current tenant is the one it joined (set when it was created).
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- see above
      window.location.assign("/workflows");
    } catch {
      setSigningIn(false);
      setSignInFailed(true);
    }
  }

  if (signInFailed) {
    return (
      <p role="alert" className="rounded-md border bg-muted/50 px-3 py-2 text-sm">
        Your account was created and you joined the tenant, but signing in failed.{" "}
        <Link href="/signin" className="font-medium underline underline-offset-2">
          Sign in
        </Link>{" "}
        with your new password.
      </p>
    );
  }
  return (
    <div className="space-y-6">
      <div className="rounded-lg border bg-muted/40 p-4 text-sm">
        <p className="mb-2">Already have an account?</p>
        <a
          href={signInUrl}
          className="inline-flex h-9 items-center rounded-md border bg-card px-3 font-medium hover:bg-muted"
        >
          Sign in to accept
        </a>
      </div>
      <form
        onSubmit={(e) => void submit(e)}
        className="space-y-4"
        noValidate
        aria-labelledby="create-account-heading"
      >
        <h2 id="create-account-heading" className="font-semibold">
          Or create an account
        </h2>
        <Field label="Name" htmlFor="signup-name" error={errors.name}>
          <Input
            id="signup-name"
            name="name"
            autoComplete="name"
            maxLength={100}
            aria-invalid={Boolean(errors.name)}
          />
        </Field>
        <Field label="E-mail" htmlFor="signup-email" error={errors.email}>
          <Input
            id="signup-email"
            name="email"
            type="email"
            autoComplete="email"
            defaultValue={boundEmail ?? undefined}
            readOnly={Boolean(boundEmail)}
            aria-invalid={Boolean(errors.email)}
          />
        </Field>
        <Field label="Password" htmlFor="signup-password" error={errors.password}>
          <Input
            id="signup-password"
            name="password"
            type="password"
            autoComplete="new-password"
            aria-describedby="signup-password-hint"
            aria-invalid={Boolean(errors.password)}
          />
        </Field>
        <p id="signup-password-hint" className="-mt-2 text-xs text-muted-foreground">
          At least {MIN_PASSWORD_LENGTH} characters.
        </p>
        <FormError variant="box">{errors.form}</FormError>
        <Button type="submit" className="w-full" disabled={signUp.isPending || isSigningIn}>
          {signUp.isPending || isSigningIn ? <Spinner /> : null}
          Create account and join
        </Button>
      </form>
    </div>
  );
}
