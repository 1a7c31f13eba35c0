"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, LogIn, RefreshCw, Unplug } from "lucide-react";
import { useSearchParams } from "next/navigation";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { Spinner } from "@/components/ui/states";
import { dateFormat, messageOf } from "./types";

const STATE_LABELS = {
  none: "Not signed in",
  needed: "Sign-in needed",
  connected: "Connected",
  reconnect: "Reconnect needed",
} as const;

/**
 * A remote installation's OAuth sign-in: its state, and Connect / Reconnect (the browser goes to
 * the authorization server and comes back through /api/mcp-oauth/callback) or Disconnect. Shows
 * nothing for servers that run on this host. The tokens themselves never reach the browser.
 */
export function OAuthConnection({ installationId }: { installationId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const params = useSearchParams();
  const status = useQuery(trpc.mcpOAuth.status.queryOptions({ id: installationId }));
  const connect = useMutation(
    trpc.mcpOAuth.connect.mutationOptions({
      onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
      onError: (error) => toast.error(`Signing in failed: ${messageOf(error)}`),
    }),
  );
  const disconnect = useMutation(
    trpc.mcpOAuth.disconnect.mutationOptions({
      onSuccess: () => {
        toast.success("Signed out of the server");
        void queryClient.invalidateQueries({ queryKey: trpc.mcpOAuth.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() });
      },
      onError: (error) => toast.error(messageOf(error)),
    }),
  );

  if (status.isPending || status.isError || !status.data.isRemote) return null;
  const data = status.data;
  const canChange = can("server.install");
  const returnedError = params.get("oauth_error");
  const isReturned = params.get("oauth") === "connected" && data.state === "connected";

  return (
    <section aria-labelledby="oauth-heading" className="space-y-3">
      <h2 id="oauth-heading" className="text-lg font-semibold">
        Sign-in (OAuth)
      </h2>
      <div className="space-y-2 rounded-xl border bg-card p-4 text-sm">
        <p className="flex items-center gap-2">
          <KeyRound className="size-4" aria-hidden />
          <span data-testid="oauth-state" className="font-medium">
            {STATE_LABELS[data.state]}
          </span>
        </p>
        {data.state === "needed" ? (
          <p className="text-muted-foreground">
            This server asks for a sign-in before it answers. Connect signs this tenant in once;
            workflows, checks and the tool runner then use that sign-in.
          </p>
        ) : null}
        {data.state === "connected" || data.state === "reconnect" ? (
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-muted-foreground">
            <dt>Authorization server</dt>
            <dd className="break-all">{data.issuer}</dd>
            {data.scope ? (
              <>
                <dt>Scope</dt>
                <dd>{data.scope}</dd>
              </>
            ) : null}
            <dt>Client</dt>
            <dd>
              {data.clientKind === "metadata-document"
                ? "Maestro's client metadata document"
                : "registered for this tenant"}
            </dd>
            {data.expiresAt ? (
              <>
                <dt>Token renews</dt>
                <dd>before {dateFormat.format(data.expiresAt)}</dd>
              </>
            ) : null}
          </dl>
        ) : null}
        {isReturned ? <p role="status">Signed in. The server is connected.</p> : null}
        <FormError>
          {data.state === "reconnect"
            ? `The sign-in expired and could not be renewed${data.lastError ? ` (${data.lastError})` : ""}. Runs that use this server fail until someone reconnects.`
            : returnedError}
        </FormError>
        {canChange ? (
          <div className="flex gap-2 pt-1">
            {data.state === "connected" ? null : (
              <Button
                size="sm"
                disabled={connect.isPending}
                onClick={() => connect.mutate({ id: installationId })}
              >
                {connect.isPending ? (
                  <Spinner label="Starting sign-in" />
                ) : data.state === "reconnect" ? (
                  <RefreshCw className="size-4" aria-hidden />
                ) : (
                  <LogIn className="size-4" aria-hidden />
                )}
                {data.state === "reconnect" ? "Reconnect" : "Connect"}
              </Button>
            )}
            {data.state === "connected" || data.state === "reconnect" ? (
              <Button
                variant="secondary"
                size="sm"
                disabled={disconnect.isPending}
                onClick={() => disconnect.mutate({ id: installationId })}
              >
                <Unplug className="size-4" aria-hidden />
                Disconnect
              </Button>
            ) : null}
          </div>
        ) : data.state === "needed" || data.state === "reconnect" ? (
          <p className="text-muted-foreground">An admin can sign this server in.</p>
        ) : null}
      </div>
    </section>
  );
}
