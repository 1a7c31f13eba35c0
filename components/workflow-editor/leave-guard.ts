/** What the leave guard reads from a click, so the decision can be tested without a browser. */
export interface ClickLike {
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
}

export interface LinkLike {
  href: string;
  target: string;
  hasDownload: boolean;
}

/**
 * Where a click on a link would take this tab inside the app (path, query and hash), or null when
 * it is not such a navigation: another button or a modifier (a new tab or window), a link opening
 * elsewhere or downloading, another origin, or a jump within this page.
 * @example inAppLinkTarget(leftClick, { href: "https://app/runs", target: "", hasDownload: false }, "https://app/workflows/1") // → "/runs"
 */
export function inAppLinkTarget(
  click: ClickLike,
  link: LinkLike | null,
  here: string,
): string | null {
  if (!link || click.defaultPrevented || click.button !== 0) return null;
  if (click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return null;
  if ((link.target && link.target !== "_self") || link.hasDownload) return null;
  let to: URL;
  const from = new URL(here);
  try {
    to = new URL(link.href, from);
  } catch {
    return null;
  }
  if (to.origin !== from.origin) return null;
  if (to.pathname === from.pathname && to.search === from.search) return null;
  return `${to.pathname}${to.search}${to.hash}`;
}

export type LeaveCheck = { canLeave: true } | { canLeave: false; reasons: string[] };

/**
 * Whether the editor may be left once the pending save was tried: everything stored and no field
 * holding text it refused. Otherwise the reasons to show before leaving anyway.
 * @example whyNotLeave(false, { state: "failed", message: "Network error" }, []) // → { canLeave: false, reasons: ["The draft could not be saved: Network error"] }
 */
export function whyNotLeave(
  isStored: boolean,
  status: { state: string; message?: string },
  fieldProblems: readonly { message: string }[],
): LeaveCheck {
  const reasons: string[] = [];
  if (!isStored) {
    reasons.push(
      status.state === "conflict"
        ? `The draft was not saved: ${status.message ?? "someone else saved this workflow meanwhile"}`
        : `The draft could not be saved${status.message ? `: ${status.message}` : ""}`,
    );
  }
  for (const problem of fieldProblems) reasons.push(problem.message);
  return reasons.length ? { canLeave: false, reasons } : { canLeave: true };
}
