const ORIGIN = "http://this.site";

/**
 * Only same-site paths: a crafted link must not bounce a fresh sign-in to another site. The path
 * is resolved as the browser would (which drops tabs and line breaks and reads `\` as `/`), and
 * must stay on this site.
 */
export function safeCallbackUrl(raw: string | null): string {
  if (
    !raw ||
    !raw.startsWith("/") ||
    raw.includes("\\") ||
    [...raw].some((c) => c.charCodeAt(0) < 0x20)
  )
    return "/workflows";
  let url: URL;
  try {
    url = new URL(raw, ORIGIN);
  } catch {
    return "/workflows";
  }
  if (url.origin !== ORIGIN || url.pathname.startsWith("/signin")) return "/workflows";
  return `${url.pathname}${url.search}${url.hash}`;
}
