"use client";

import { getProviders, signIn } from "next-auth/react";
import { useEffect, useState, type FormEvent } from "react";
import { FormError } from "@/components/ui/form-error";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Spinner } from "@/components/ui/states";

const OAUTH_ERRORS: Record<string, string> = {
  NoAccount: "There is no account for that e-mail here. Ask an admin of your team to invite you.",
  OAuthSignin:
    "The sign-in provider could not be reached. Try again, or use your e-mail and password.",
};

type Provider = { id: string; name: string };

export function SignInForm({
  callbackUrl,
  error: initialError,
}: {
  callbackUrl: string;
  error?: string;
}) {
  const [error, setError] = useState<string | null>(
    initialError ? (OAUTH_ERRORS[initialError] ?? null) : null,
  );
  const [isPending, setPending] = useState(false);
  const [oauth, setOauth] = useState<Provider[]>([]);

  useEffect(() => {
    getProviders()
      .then((all) => setOauth(Object.values(all ?? {}).filter((p) => p.id !== "credentials")))
      .catch(() => setOauth([]));
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const credentials = {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    };
    setPending(true);
    setError(null);
    try {
      let result = await signIn("credentials", credentials);
      // next-auth answers `?csrf=true` (no error, no session) when two CSRF fetches raced: ask once more.
      if (result && !result.error && result.url?.includes("csrf=true"))
        result = await signIn("credentials", credentials);
      if (!result || result.error) {
        setError(
          result?.error && result.error !== "CredentialsSignin"
            ? result.error
            : "Wrong e-mail or password.",
        );
        setPending(false);
        return;
      }
      // A full page load, not router.push: the router may hold a redirect it prefetched while signed out.
      window.location.assign(callbackUrl);
    } catch {
      setError("The server could not be reached. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field label="E-mail" htmlFor="email">
          <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        </Field>
        <Field label="Password" htmlFor="password">
          <Input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
        </Field>
        <FormError variant="box">{error}</FormError>
        <Button type="submit" className="w-full" disabled={isPending}>
          {isPending ? <Spinner label="Signing in" /> : null}
          Sign in
        </Button>
      </form>
      {oauth.length > 0 ? (
        <div className="space-y-2">
          <p className="text-center text-xs uppercase tracking-wide text-muted-foreground">or</p>
          {oauth.map((provider) => (
            <Button
              key={provider.id}
              variant="secondary"
              className="w-full"
              onClick={() => void signIn(provider.id, { callbackUrl })}
            >
              Continue with {provider.name}
            </Button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
