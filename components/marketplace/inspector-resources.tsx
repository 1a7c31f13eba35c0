"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Bell, BellOff, FileText } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { EmptyState, SkeletonRows, Spinner } from "@/components/ui/states";
import { ResourceContents } from "./inspector-content";
import { ServerProblem } from "./server-problem";
import type { ResourceRead } from "./use-inspector";

/**
 * Resources and templates: read one (by URI, or a template filled in), subscribe where the server
 * offers it; updates to subscribed resources show in the Logs tab and beside the resource here.
 */
export function InspectorResources({
  sessionId,
  canSubscribe,
  subscriptions,
  updatedUris,
  read,
  onRead,
}: {
  sessionId: string;
  canSubscribe: boolean;
  subscriptions: string[];
  updatedUris: ReadonlyMap<string, number>;
  read: { isPending: boolean; error: unknown; data: ResourceRead | undefined };
  onRead: (
    target: { uri: string } | { uriTemplate: string; values: Record<string, string> },
  ) => void;
}) {
  const trpc = useTRPC();
  const list = useQuery(trpc.inspector.listResources.queryOptions({ sessionId }));
  const [subscribed, setSubscribed] = useState<string[]>(subscriptions);
  const subscribe = useMutation(
    trpc.inspector.subscribe.mutationOptions({ onSuccess: (r) => setSubscribed(r.subscriptions) }),
  );
  const unsubscribe = useMutation(
    trpc.inspector.unsubscribe.mutationOptions({
      onSuccess: (r) => setSubscribed(r.subscriptions),
    }),
  );

  if (list.isPending) return <SkeletonRows rows={3} />;
  if (list.isError)
    return <ServerProblem title="The server's resources could not be listed" error={list.error} />;
  const { resources, templates } = list.data;

  return (
    <div className="space-y-6">
      <section aria-labelledby="resources-heading" className="space-y-2">
        <h3 id="resources-heading" className="text-sm font-semibold">
          Resources ({resources.length})
        </h3>
        {resources.length === 0 ? (
          <EmptyState icon={FileText} title="No resources listed">
            <p className="text-sm text-muted-foreground">Templates below may still be read.</p>
          </EmptyState>
        ) : (
          <ul
            aria-label="Resources"
            className="max-h-80 divide-y overflow-auto rounded-xl border bg-card"
          >
            {resources.map((resource) => {
              const isSubscribed = subscribed.includes(resource.uri);
              const updated = updatedUris.get(resource.uri);
              return (
                <li key={resource.uri} className="flex flex-wrap items-center gap-2 px-3 py-2">
                  <div className="min-w-0 flex-1">
                    <p className="text-sm font-medium">{resource.title ?? resource.name}</p>
                    <p className="truncate font-mono text-xs text-muted-foreground">
                      {resource.uri}
                    </p>
                    {updated ? (
                      <p className="text-xs text-muted-foreground">
                        Updated {new Date(updated).toLocaleTimeString()}
                      </p>
                    ) : null}
                  </div>
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Read ${resource.name}`}
                    onClick={() => onRead({ uri: resource.uri })}
                  >
                    Read
                  </Button>
                  {canSubscribe ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`${isSubscribed ? "Unsubscribe from" : "Subscribe to"} ${resource.name}`}
                      onClick={() =>
                        (isSubscribed ? unsubscribe : subscribe).mutate({
                          sessionId,
                          uri: resource.uri,
                        })
                      }
                    >
                      {isSubscribed ? (
                        <BellOff className="size-4" aria-hidden />
                      ) : (
                        <Bell className="size-4" aria-hidden />
                      )}
                      {isSubscribed ? "Unsubscribe" : "Subscribe"}
                    </Button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        {subscribe.isError || unsubscribe.isError ? (
          <ServerProblem
            title="The subscription could not be changed"
            error={subscribe.error ?? unsubscribe.error}
          />
        ) : null}
      </section>
      {templates.length > 0 ? (
        <section aria-labelledby="templates-heading" className="space-y-2">
          <h3 id="templates-heading" className="text-sm font-semibold">
            Resource templates ({templates.length})
          </h3>
          <ul aria-label="Resource templates" className="space-y-2">
            {templates.map((template) => (
              <li key={template.uriTemplate}>
                <TemplateForm template={template} onRead={onRead} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-label="Resource contents" className="space-y-2" aria-live="polite">
        {read.isPending ? (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Spinner /> Reading…
          </p>
        ) : read.error ? (
          <ServerProblem title="The resource could not be read" error={read.error} />
        ) : read.data ? (
          <div className="space-y-2 rounded-xl border bg-card p-4">
            <p className="text-sm font-medium">Read {read.data.uri}</p>
            <ResourceContents contents={read.data.contents} />
          </div>
        ) : null}
      </section>
    </div>
  );
}

function TemplateForm({
  template,
  onRead,
}: {
  template: { uriTemplate: string; name: string; description?: string; variables: string[] };
  onRead: (target: { uriTemplate: string; values: Record<string, string> }) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const idOf = (variable: string) => `template-${template.name}-${variable}`.replace(/\W+/g, "-");
  return (
    <form
      aria-label={`Template ${template.name}`}
      className="space-y-2 rounded-xl border bg-card p-3"
      onSubmit={(e) => {
        e.preventDefault();
        onRead({ uriTemplate: template.uriTemplate, values });
      }}
    >
      <p className="text-sm font-medium">{template.name}</p>
      <p className="font-mono text-xs text-muted-foreground">{template.uriTemplate}</p>
      {template.description ? (
        <p className="text-xs text-muted-foreground">{template.description}</p>
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        {template.variables.map((variable) => (
          <Field key={variable} label={variable} htmlFor={idOf(variable)}>
            <Input
              id={idOf(variable)}
              value={values[variable] ?? ""}
              onChange={(e) => setValues((v) => ({ ...v, [variable]: e.target.value }))}
            />
          </Field>
        ))}
        <Button type="submit" size="sm" variant="secondary">
          Read
        </Button>
      </div>
    </form>
  );
}
