import type { Metadata } from "next";
import { safeCallbackUrl } from "@/components/auth/callback-url";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-6">
      <div className="w-full max-w-sm rounded-xl border bg-card p-8 shadow-sm">
        <div className="mb-6 flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element -- a tiny static SVG needs no optimisation */}
          <img src="/icon.svg" alt="" className="size-9" />
          <div>
            <h1 className="text-xl font-semibold">Sign in to Maestro</h1>
            <p className="text-sm text-muted-foreground">Agent workflows on MCP servers</p>
          </div>
        </div>
        <SignInForm
          callbackUrl={safeCallbackUrl(one(params.callbackUrl))}
          error={one(params.error) ?? undefined}
        />
      </div>
    </main>
  );
}
