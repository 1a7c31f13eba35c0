import type { Metadata } from "next";
import { InvitationAccept } from "@/components/admin/invitations-accept";

export const metadata: Metadata = { title: "Invitation" };

/** Outside the signed-in shell: whoever holds the link may open it (proxy.ts lets /invite through). */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-6">
      <div className="w-full max-w-md rounded-xl border bg-card p-8 shadow-sm">
        <div className="mb-6 flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element -- a tiny static SVG needs no optimisation */}
          <img src="/icon.svg" alt="" className="size-9" />
          <p className="text-sm font-medium text-muted-foreground">Maestro</p>
        </div>
        <InvitationAccept token={token} />
      </div>
    </main>
  );
}
