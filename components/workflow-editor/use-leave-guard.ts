"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { inAppLinkTarget, type LeaveCheck } from "./leave-guard";

export type LeaveState =
  | { state: "idle" }
  /** Saving what was unsaved before going to `href`; leaving anyway is offered meanwhile. */
  | { state: "saving"; href: string }
  | { state: "blocked"; href: string; reasons: string[] };

interface LeaveGuardOptions {
  /** Edits not stored yet (waiting for the quiet time, being saved, or failed) or fields holding refused text. */
  hasUnsavedWork: () => boolean;
  /** Saves what is unsaved; true once everything is stored. */
  flush: () => Promise<boolean>;
  /** Why the last save did not store the draft, and the fields holding refused text. */
  explain: (isStored: boolean) => LeaveCheck;
}

/**
 * Keeps the editor's unsaved work from being lost by leaving: a click on a link to another page of
 * the app first saves what is pending, then goes on; when that save fails (or a field holds text
 * it refused), it asks, and "Leave anyway" goes. Closing or reloading the tab starts the save and
 * has the browser ask. The browser's Back button is not intercepted: the editor saves as it closes.
 */
export function useLeaveGuard({ hasUnsavedWork, flush, explain }: LeaveGuardOptions) {
  const router = useRouter();
  const [leave, setLeave] = useState<LeaveState>({ state: "idle" });
  /** The navigation the person asked for last: an older one that finishes saving must not win. */
  const asked = useRef<string | null>(null);

  const go = useCallback(
    (href: string) => {
      asked.current = null;
      setLeave({ state: "idle" });
      router.push(href);
    },
    [router],
  );

  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
      const link =
        anchor instanceof HTMLAnchorElement
          ? {
              href: anchor.href,
              target: anchor.target,
              hasDownload: anchor.hasAttribute("download"),
            }
          : null;
      const href = inAppLinkTarget(event, link, window.location.href);
      if (!href || !hasUnsavedWork()) return;
      // Before Next's Link sees the click (it listens lower down), so it does not navigate yet.
      event.preventDefault();
      event.stopPropagation();
      asked.current = href;
      setLeave({ state: "saving", href });
      void flush().then((isStored) => {
        if (asked.current !== href) return;
        const check = explain(isStored);
        if (check.canLeave) go(href);
        else setLeave({ state: "blocked", href, reasons: check.reasons });
      });
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!hasUnsavedWork()) return;
      void flush();
      event.preventDefault();
    };
    document.addEventListener("click", onClick, true);
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      document.removeEventListener("click", onClick, true);
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [hasUnsavedWork, flush, explain, go]);

  const stay = useCallback(() => {
    asked.current = null;
    setLeave({ state: "idle" });
  }, []);
  const leaveAnyway = useCallback(() => {
    if (leave.state !== "idle") go(leave.href);
  }, [leave, go]);
  return { leave, stay, leaveAnyway };
}
