"use client";

import { useCallback, useEffect, useState } from "react";

const storageKey = (workflowId: string) => `maestro.pins.${workflowId}`;

/** Pins saved earlier in this browser; anything unreadable counts as none. */
function readPins(workflowId: string): ReadonlyMap<string, unknown> {
  try {
    const saved: unknown = JSON.parse(window.localStorage.getItem(storageKey(workflowId)) ?? "{}");
    return saved && typeof saved === "object" && !Array.isArray(saved)
      ? new Map(Object.entries(saved))
      : new Map();
  } catch {
    return new Map();
  }
}

/**
 * Outputs pinned for dry runs, per workflow. They are test data of the person editing, not part of
 * the workflow (they never reach a saved document, an export or a version), so they are kept in
 * this browser's storage: a reload finds them again.
 */
export function usePinnedOutputs(workflowId: string) {
  const [pins, setPins] = useState<ReadonlyMap<string, unknown>>(() =>
    typeof window === "undefined" ? new Map() : readPins(workflowId),
  );
  useEffect(() => {
    try {
      if (pins.size)
        window.localStorage.setItem(
          storageKey(workflowId),
          JSON.stringify(Object.fromEntries(pins)),
        );
      else window.localStorage.removeItem(storageKey(workflowId));
    } catch {
      // Storage full or off: the pins still hold while the page is open.
    }
  }, [pins, workflowId]);
  const pin = useCallback(
    (stepId: string, output: unknown) => setPins((old) => new Map(old).set(stepId, output)),
    [],
  );
  const unpin = useCallback(
    (stepId: string) =>
      setPins((old) => {
        const next = new Map(old);
        next.delete(stepId);
        return next;
      }),
    [],
  );
  return { pins, pin, unpin };
}
