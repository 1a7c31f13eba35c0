"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { MessageSquare } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { EmptyState, SkeletonRows, Spinner } from "@/components/ui/states";
import { ContentBlocks } from "./inspector-content";
import { ServerProblem } from "./server-problem";

/** Prompts: pick one, fill its arguments, get it and read the messages it returns. */
export function InspectorPrompts({ sessionId }: { sessionId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.inspector.listPrompts.queryOptions({ sessionId }));
  const [selected, setSelected] = useState("");
  const [args, setArgs] = useState<Record<string, string>>({});
  const get = useMutation(trpc.inspector.getPrompt.mutationOptions());

  if (list.isPending) return <SkeletonRows rows={2} />;
  if (list.isError)
    return <ServerProblem title="The server's prompts could not be listed" error={list.error} />;
  const prompts = list.data.prompts;
  if (prompts.length === 0)
    return (
      <EmptyState icon={MessageSquare} title="No prompts">
        <p className="text-sm text-muted-foreground">This server lists no prompts.</p>
      </EmptyState>
    );
  const prompt = prompts.find((p) => p.name === selected) ?? null;

  return (
    <div className="space-y-4">
      <Field label="Prompt" htmlFor="inspector-prompt">
        <select
          id="inspector-prompt"
          value={selected}
          onChange={(e) => {
            setSelected(e.target.value);
            setArgs({});
            get.reset();
          }}
          className="h-10 w-full rounded-md border bg-card px-3 text-sm"
        >
          <option value="">Choose a prompt ({prompts.length})</option>
          {prompts.map((p) => (
            <option key={p.name} value={p.name}>
              {p.title ?? p.name}
            </option>
          ))}
        </select>
      </Field>
      {prompt ? (
        <form
          aria-label="Prompt arguments"
          className="space-y-3 rounded-xl border bg-card p-4"
          onSubmit={(e) => {
            e.preventDefault();
            get.mutate({ sessionId, name: prompt.name, args });
          }}
        >
          {prompt.description ? (
            <p className="text-sm text-muted-foreground">{prompt.description}</p>
          ) : null}
          {(prompt.arguments ?? []).length === 0 ? (
            <p className="text-sm text-muted-foreground">This prompt takes no arguments.</p>
          ) : null}
          {(prompt.arguments ?? []).map((argument) => (
            <Field
              key={argument.name}
              label={`${argument.name}${argument.required ? " (required)" : ""}`}
              htmlFor={`prompt-arg-${argument.name}`}
            >
              <Input
                id={`prompt-arg-${argument.name}`}
                value={args[argument.name] ?? ""}
                required={argument.required}
                placeholder={argument.description}
                onChange={(e) => setArgs((a) => ({ ...a, [argument.name]: e.target.value }))}
              />
            </Field>
          ))}
          <Button type="submit" disabled={get.isPending}>
            {get.isPending ? <Spinner /> : null}
            Get prompt
          </Button>
        </form>
      ) : null}
      {get.isError ? <ServerProblem title="The prompt could not be got" error={get.error} /> : null}
      {get.data ? (
        <section aria-label="Prompt messages" className="space-y-3 rounded-xl border bg-card p-4">
          {get.data.description ? (
            <p className="text-sm text-muted-foreground">{get.data.description}</p>
          ) : null}
          <ol className="space-y-3">
            {get.data.messages.map((message, index) => (
              <li key={index} className="space-y-1">
                <p className="text-xs font-semibold uppercase text-muted-foreground">
                  {message.role}
                </p>
                <ContentBlocks content={[message.content]} />
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </div>
  );
}
