"use client";

import { useMutation } from "@tanstack/react-query";
import { ArrowLeft, Lock, Plus, Trash2 } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { EmptyState, PageHeader, Spinner } from "@/components/ui/states";
import { InspectorPanel } from "./inspector-panel";
import { ServerProblem } from "./server-problem";

type Header = { name: string; value: string };
const TRANSPORTS = [
  ["auto", "Streamable HTTP, then SSE"],
  ["streamable-http", "Streamable HTTP"],
  ["sse", "SSE (older servers)"],
] as const;

/** Try a remote MCP server by URL, with headers, before installing it (the right to install is needed). */
export function ConnectUrlPage() {
  const trpc = useTRPC();
  const { can } = useMe();
  const [url, setUrl] = useState("");
  const [transport, setTransport] = useState<(typeof TRANSPORTS)[number][0]>("auto");
  const [headers, setHeaders] = useState<Header[]>([]);
  const connect = useMutation(trpc.inspector.connectUrl.mutationOptions());
  const submit = () =>
    connect.mutate({
      url: url.trim(),
      transport,
      headers: headers.filter((h) => h.name.trim() !== ""),
    });

  return (
    <>
      <Link
        href="/marketplace"
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Marketplace
      </Link>
      <PageHeader
        title="Connect to a URL"
        description="Try a remote MCP server (Streamable HTTP or SSE) before installing it: its tools, resources and prompts, with the JSON-RPC history."
      />
      {!can("server.install") ? (
        <EmptyState icon={Lock} title="Admins try remote servers">
          <p className="text-sm text-muted-foreground">
            Connecting to a URL makes this server reach it, which takes the right to install
            servers.
          </p>
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <form
            aria-label="Connect to a URL"
            className="space-y-3 rounded-xl border bg-card p-4"
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <Field label="Server URL" htmlFor="connect-url">
              <Input
                id="connect-url"
                type="url"
                required
                placeholder="https://example.com/mcp"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
              />
            </Field>
            <Field label="Transport" htmlFor="connect-transport">
              <select
                id="connect-transport"
                value={transport}
                onChange={(e) => setTransport(e.target.value as typeof transport)}
                className="h-10 w-full rounded-md border bg-card px-3 text-sm"
              >
                {TRANSPORTS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">Headers</legend>
              {headers.map((header, index) => (
                <div key={index} className="flex gap-2">
                  <Input
                    aria-label={`Header ${index + 1} name`}
                    placeholder="Authorization"
                    value={header.name}
                    onChange={(e) =>
                      setHeaders((all) =>
                        all.map((h, i) => (i === index ? { ...h, name: e.target.value } : h)),
                      )
                    }
                  />
                  <Input
                    aria-label={`Header ${index + 1} value`}
                    type="password"
                    autoComplete="off"
                    value={header.value}
                    onChange={(e) =>
                      setHeaders((all) =>
                        all.map((h, i) => (i === index ? { ...h, value: e.target.value } : h)),
                      )
                    }
                  />
                  <Button
                    variant="ghost"
                    aria-label={`Remove header ${index + 1}`}
                    onClick={() => setHeaders((all) => all.filter((_, i) => i !== index))}
                  >
                    <Trash2 className="size-4" aria-hidden />
                  </Button>
                </div>
              ))}
              <Button
                size="sm"
                variant="secondary"
                onClick={() => setHeaders((all) => [...all, { name: "", value: "" }])}
              >
                <Plus className="size-4" aria-hidden />
                Add header
              </Button>
            </fieldset>
            <Button type="submit" disabled={connect.isPending}>
              {connect.isPending ? <Spinner /> : null}
              Connect
            </Button>
          </form>
          {connect.isError ? (
            <ServerProblem title="Could not connect" error={connect.error} />
          ) : null}
          {connect.data ? (
            <section aria-label="Inspector" className="space-y-3">
              <h2 className="text-lg font-semibold">{connect.data.name}</h2>
              <InspectorPanel
                key={connect.data.sessionId}
                session={connect.data}
                onReconnect={submit}
              />
            </section>
          ) : null}
        </div>
      )}
    </>
  );
}
