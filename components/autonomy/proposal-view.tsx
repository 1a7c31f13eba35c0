"use client";

import { CircleAlert, CircleCheck, ExternalLink } from "lucide-react";
import Link from "next/link";
import { nodeKindInfo } from "@/components/shared/node-kinds";
import { Spinner } from "@/components/ui/states";
import { PATTERN_LABELS, PATTERNS, type Pattern } from "./patterns";
import { ProposedTriggers } from "./proposed-triggers";
import { ScoreBar } from "./score-bar";
import type { Proposal, ProposedServer } from "./types";

/** A needed server: how well it fits, why, and the installation used or a link to install it. */
function ServerRow({ server }: { server: ProposedServer }) {
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
      <span className="font-medium">{server.title}</span>
      <ScoreBar score={server.score} label={`How well ${server.title} fits`} />
      {server.installedAs ? (
        <span className="inline-flex items-center gap-1 text-emerald-700 dark:text-emerald-400">
          <CircleCheck className="size-4" aria-hidden /> installed as{" "}
          <code className="rounded bg-muted px-1 text-xs">{server.installedAs}</code>
        </span>
      ) : server.catalogEntryId ? (
        <Link
          href={`/marketplace/${server.catalogEntryId}`}
          target="_blank"
          rel="noreferrer"
          className="inline-flex items-center gap-1 text-amber-700 underline underline-offset-2 dark:text-amber-400"
        >
          not installed — install <ExternalLink className="size-3" aria-hidden />
          <span className="sr-only">(opens in a new tab)</span>
        </Link>
      ) : (
        <span className="text-amber-700 dark:text-amber-400">not installed</span>
      )}
      <span className="basis-full text-xs text-muted-foreground">{server.reason}</span>
    </li>
  );
}

/**
 * What the planner proposes for a task: the pattern with its confidence and reasons (and a picker
 * to plan it as another), what would start it, the MCP servers it needs, and the nodes with why
 * each is there.
 */
export function ProposalView({
  proposal,
  isUpdating,
  onPattern,
}: {
  proposal: Proposal;
  isUpdating: boolean;
  onPattern: (pattern: Pattern) => void;
}) {
  const pattern = PATTERN_LABELS[proposal.pattern];
  return (
    <section aria-label="Proposal" aria-busy={isUpdating} className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3 rounded-lg border bg-muted/40 p-3">
        <div>
          <p className="text-sm">
            <span className="font-semibold" data-testid="proposed-pattern">
              {pattern.name}
            </span>{" "}
            <span className="text-muted-foreground">— {pattern.gist}</span>
          </p>
          <p className="text-xs text-muted-foreground">
            {Math.round(proposal.confidence * 100)}% confident
          </p>
        </div>
        <label className="flex items-center gap-2 text-sm">
          {isUpdating ? <Spinner label="Planning again" /> : null}
          Plan as
          <select
            className="h-8 rounded-md border bg-card px-2 text-sm"
            value={proposal.pattern}
            onChange={(e) => onPattern(e.target.value as Pattern)}
          >
            {PATTERNS.map((p) => (
              <option key={p} value={p}>
                {PATTERN_LABELS[p].name}
                {p === proposal.runnerUp ? " (runner-up)" : ""}
              </option>
            ))}
          </select>
        </label>
        <ul
          aria-label="Why this pattern"
          className="basis-full list-disc space-y-0.5 pl-5 text-xs text-muted-foreground"
        >
          {proposal.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      </div>

      <ProposedTriggers triggers={proposal.triggers} />

      <div>
        <h3 className="mb-1 text-sm font-medium">MCP servers</h3>
        {proposal.servers.length ? (
          <ul aria-label="Servers it needs" className="divide-y rounded-lg border">
            {proposal.servers.map((server) => (
              <ServerRow key={server.shortName} server={server} />
            ))}
          </ul>
        ) : (
          <p className="text-sm text-muted-foreground">
            None: the models can do this task on their own.
          </p>
        )}
        {proposal.missing.length ? (
          <p
            role="note"
            className="mt-2 flex items-start gap-1 text-sm text-amber-700 dark:text-amber-400"
          >
            <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            No catalog entry serves {proposal.missing.join(", ")}: import one in the Marketplace,
            then propose again.
          </p>
        ) : null}
      </div>

      <div>
        <h3 className="mb-1 text-sm font-medium">Nodes</h3>
        <ol aria-label="Proposed nodes" className="divide-y rounded-lg border">
          {proposal.document.nodes.map((node) => {
            const { icon: Icon, label: kindLabel, colour } = nodeKindInfo(node.kind);
            return (
              <li key={node.id} className="flex items-start gap-3 px-3 py-2 text-sm">
                <Icon className={`mt-0.5 size-4 shrink-0 ${colour}`} aria-hidden />
                <div className="min-w-0">
                  <p>
                    <span className="font-medium">{node.label ?? node.id}</span>{" "}
                    <span className="text-xs text-muted-foreground">
                      {kindLabel} · <code>{node.id}</code>
                    </span>
                  </p>
                  {proposal.nodeReasons[node.id] ? (
                    <p className="text-xs text-muted-foreground">{proposal.nodeReasons[node.id]}</p>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ol>
      </div>
    </section>
  );
}
