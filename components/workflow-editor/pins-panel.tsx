"use client";

import { Pin, X } from "lucide-react";
import { useState } from "react";
import { FormError } from "@/components/ui/form-error";
import { Button } from "@/components/ui/button";
import { useEditor } from "./editor-context";

/**
 * Outputs pinned for a dry run: those steps are not run, the run takes the pinned output instead
 * (saving tokens while the rest of the workflow is tried). Pin one from a run's step, or type it.
 */
export function PinsPanel({
  pins,
  onPin,
  onUnpin,
}: {
  pins: ReadonlyMap<string, unknown>;
  onPin: (stepId: string, output: unknown) => void;
  onUnpin: (stepId: string) => void;
}) {
  const selectedId = useEditor((s) =>
    s.selectedNodeIds.length === 1 ? s.selectedNodeIds[0] : undefined,
  );
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const pinTyped = () => {
    if (!selectedId) return;
    try {
      onPin(selectedId, JSON.parse(text));
      setText("");
      setProblem(null);
    } catch {
      setProblem("Not valid JSON (text needs quotes)");
    }
  };
  return (
    <section aria-label="Pinned outputs" className="space-y-2 border-t p-4">
      <h2 className="flex items-center gap-1.5 text-sm font-medium">
        <Pin className="size-4" aria-hidden /> Pinned outputs (dry run)
      </h2>
      {pins.size === 0 ? (
        <p className="text-xs text-muted-foreground">None: runs run every step.</p>
      ) : null}
      <ul className="space-y-1">
        {[...pins].map(([stepId, output]) => (
          <li key={stepId} className="flex items-center gap-2 text-xs">
            <code className="rounded bg-muted px-1">{stepId}</code>
            <span className="truncate text-muted-foreground">{JSON.stringify(output)}</span>
            <Button
              variant="ghost"
              size="sm"
              className="ml-auto"
              aria-label={`Unpin ${stepId}`}
              onClick={() => onUnpin(stepId)}
            >
              <X className="size-3.5" aria-hidden />
            </Button>
          </li>
        ))}
      </ul>
      {selectedId ? (
        <div className="space-y-1">
          <label htmlFor="pin-output" className="text-xs font-medium">
            Pin an output for <code>{selectedId}</code> (JSON)
          </label>
          <textarea
            id="pin-output"
            rows={2}
            className="w-full rounded-md border bg-card p-1.5 font-mono text-xs"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <FormError className="text-xs">{problem}</FormError>
          <Button variant="secondary" size="sm" onClick={pinTyped} disabled={!text.trim()}>
            Pin
          </Button>
        </div>
      ) : null}
    </section>
  );
}
