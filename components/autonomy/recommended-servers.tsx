"use client";

import { useQuery } from "@tanstack/react-query";
import { CircleCheck, Sparkles } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { FormError } from "@/components/ui/form-error";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Input } from "@/components/ui/input";
import { ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import { ScoreBar } from "./score-bar";
import type { Recommendation } from "./types";

function RecommendationRow({ item }: { item: Recommendation }) {
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
      <Link href={`/marketplace/${item.catalogEntryId}`} className="font-medium hover:underline">
        {item.title}
      </Link>
      <ScoreBar score={item.score} label={`How well ${item.title} fits`} />
      {item.isAlternative ? (
        <span className="rounded bg-muted px-1.5 py-0.5 text-xs text-muted-foreground">
          alternative
        </span>
      ) : null}
      {item.installedAs ? (
        <span className="inline-flex items-center gap-1 text-xs text-emerald-700 dark:text-emerald-400">
          <CircleCheck className="size-3.5" aria-hidden /> installed as{" "}
          <code className="rounded bg-muted px-1">{item.installedAs}</code>
        </span>
      ) : (
        <span className="text-xs text-muted-foreground">not installed</span>
      )}
      <span className="basis-full text-xs text-muted-foreground">{item.reason}</span>
    </li>
  );
}

/** The marketplace's "Recommended for this task" box: a task in words → the catalog entries it needs, best first. */
export function RecommendedServers() {
  const trpc = useTRPC();
  const [task, setTask] = useState("");
  const [asked, setAsked] = useState<string | null>(null);
  const [clientError, setClientError] = useState<string | null>(null);
  const recommend = useQuery({
    ...trpc.autonomy.recommend.queryOptions({ task: asked ?? "" }),
    enabled: asked !== null,
    staleTime: 60_000,
    retry: false,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = task.trim();
    if (text.length < 3) return setClientError("Describe the task in at least 3 characters");
    setClientError(null);
    setAsked(text);
  }
  const error =
    clientError ??
    (recommend.isError ? (fieldErrorsOf(recommend.error, ["task"] as const).task ?? null) : null);

  return (
    <section aria-labelledby="recommended-heading" className="mb-6 rounded-xl border bg-card p-4">
      <h2 id="recommended-heading" className="flex items-center gap-2 font-medium">
        <Sparkles className="size-4 text-primary" aria-hidden /> Recommended for this task
      </h2>
      <p className="mb-3 text-sm text-muted-foreground">
        Describe what an agent should do; the servers it needs come first.
      </p>
      <form onSubmit={submit} className="flex flex-wrap gap-2" noValidate>
        <Input
          aria-label="Task to recommend servers for"
          placeholder="e.g. Read data/events.csv and load it into a SQLite table"
          value={task}
          onChange={(e) => setTask(e.target.value)}
          maxLength={2000}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? "recommend-error" : undefined}
          className="min-w-64 flex-1"
        />
        <Button type="submit" variant="secondary" disabled={recommend.isFetching}>
          {recommend.isFetching ? <Spinner label="Recommending" /> : null}
          Recommend
        </Button>
      </form>
      <FormError id="recommend-error" className="mt-2">
        {error}
      </FormError>

      {asked === null || error ? null : recommend.isPending ? (
        <div className="mt-3">
          <SkeletonRows rows={2} />
        </div>
      ) : recommend.isError ? (
        <div className="mt-3">
          <ErrorState message={recommend.error.message} onRetry={() => void recommend.refetch()} />
        </div>
      ) : (
        <div className="mt-3 space-y-2">
          {recommend.data.items.length ? (
            <ul aria-label="Recommended servers" className="divide-y rounded-lg border">
              {recommend.data.items.map((item) => (
                <RecommendationRow key={item.catalogEntryId} item={item} />
              ))}
            </ul>
          ) : recommend.data.missing.length ? null : (
            <p className="text-sm text-muted-foreground">
              This task needs no MCP server: the models can do it on their own.
            </p>
          )}
          {recommend.data.missing.length ? (
            <p className="text-sm text-amber-700 dark:text-amber-400">
              No catalog entry serves {recommend.data.missing.join(", ")}: import one from a
              registry or a server.json file.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}
