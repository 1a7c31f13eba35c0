"use client";

import { ArrowRight, Plus, X } from "lucide-react";
import { FormError } from "@/components/ui/form-error";
import { Button } from "@/components/ui/button";

export interface FallbackPair {
  /** Stable across edits, for React keys. */
  key: number;
  server: string;
  fallback: string;
}

const selectClass =
  "h-9 min-w-0 flex-1 rounded-md border bg-card px-2 text-sm aria-invalid:border-danger";

/** Pairs of installed MCP servers: while the first one's breaker is open, its calls go to the second. */
export function FallbackServersField({
  pairs,
  onChange,
  serverNames,
  error,
  isDisabled,
}: {
  pairs: FallbackPair[];
  onChange: (pairs: FallbackPair[]) => void;
  serverNames: string[];
  error: string | undefined;
  isDisabled: boolean;
}) {
  const update = (key: number, patch: Partial<FallbackPair>) =>
    onChange(pairs.map((p) => (p.key === key ? { ...p, ...patch } : p)));
  const add = () =>
    onChange([
      ...pairs,
      { key: Math.max(0, ...pairs.map((p) => p.key)) + 1, server: "", fallback: "" },
    ]);
  const taken = new Set(pairs.map((p) => p.server));

  return (
    <fieldset
      className="space-y-2"
      aria-describedby={error ? "fallbackServers-error" : "fallbackServers-help"}
    >
      <legend className="text-sm font-medium">Fallback servers</legend>
      <p id="fallbackServers-help" className="text-xs text-muted-foreground">
        Used by the fallback rule: while a server&apos;s circuit breaker is open, its calls go to
        the server on the right.
      </p>
      {serverNames.length < 2 && pairs.length === 0 ? (
        <p className="text-sm text-muted-foreground">
          Install at least two MCP servers in the marketplace to set a fallback.
        </p>
      ) : null}
      {pairs.length ? (
        <ul className="space-y-2" aria-label="Fallback servers">
          {pairs.map((pair, i) => (
            <li key={pair.key} className="flex items-center gap-2">
              <select
                aria-label={`Server ${i + 1}`}
                className={selectClass}
                value={pair.server}
                aria-invalid={error ? true : undefined}
                onChange={(e) =>
                  update(pair.key, {
                    server: e.target.value,
                    fallback: e.target.value === pair.fallback ? "" : pair.fallback,
                  })
                }
              >
                <option value="">Pick a server…</option>
                {serverNames.map((name) => (
                  <option
                    key={name}
                    value={name}
                    disabled={name !== pair.server && taken.has(name)}
                  >
                    {name}
                  </option>
                ))}
              </select>
              <ArrowRight className="size-4 shrink-0 text-muted-foreground" aria-hidden />
              <select
                aria-label={`Fallback for server ${i + 1}`}
                className={selectClass}
                value={pair.fallback}
                aria-invalid={error ? true : undefined}
                onChange={(e) => update(pair.key, { fallback: e.target.value })}
              >
                <option value="">Pick its fallback…</option>
                {serverNames
                  .filter((name) => name !== pair.server)
                  .map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
              </select>
              {isDisabled ? null : (
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove fallback ${i + 1}${pair.server ? ` (${pair.server})` : ""}`}
                  onClick={() => onChange(pairs.filter((p) => p.key !== pair.key))}
                >
                  <X className="size-4" aria-hidden />
                </Button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <FormError id="fallbackServers-error">{error}</FormError>
      {isDisabled || serverNames.length < 2 ? null : (
        <Button
          size="sm"
          variant="secondary"
          onClick={add}
          disabled={pairs.length >= serverNames.length}
        >
          <Plus className="size-4" aria-hidden />
          Add fallback
        </Button>
      )}
    </fieldset>
  );
}

/** The pairs as the server takes them, or the first problem with them. */
export function fallbackRecordOf(
  pairs: FallbackPair[],
): { value: Record<string, string> } | { error: string } {
  const value: Record<string, string> = {};
  for (const { server, fallback } of pairs) {
    if (!server || !fallback)
      return { error: "Pick both servers of each fallback, or remove the row." };
    if (server === fallback) return { error: `"${server}" cannot be its own fallback.` };
    if (value[server]) return { error: `"${server}" has two fallbacks: keep one.` };
    value[server] = fallback;
  }
  return { value };
}

export function fallbackPairsOf(record: Record<string, string>): FallbackPair[] {
  return Object.entries(record).map(([server, fallback], i) => ({ key: i + 1, server, fallback }));
}
