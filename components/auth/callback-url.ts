/** Only same-site paths: a crafted link must not bounce a fresh sign-in to another site. */
export function safeCallbackUrl(raw: string | null): string {
  return raw && raw.startsWith("/") && !raw.startsWith("//") && !raw.startsWith("/\\") && !raw.startsWith("/signin")
    ? raw
    : "/workflows";
}
