/**
 * Security headers on every response (SECURITY.md, "HTTP headers"). Next's bootstrap scripts are
 * inline, so scripts need 'unsafe-inline' (nonces would make every page dynamic); the dev server
 * also evaluates code ('unsafe-eval'). Strict-Transport-Security only when the app's URL
 * (NEXTAUTH_URL) is https. Next reads these when it builds (next.config.ts), so a change of URL
 * needs a rebuild; the front door (server/front-door.ts) sends the same headers on its answers.
 */
export function securityHeaders(isDevelopment: boolean, appUrl: string | undefined) {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${isDevelopment ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
  return [
    { key: "Content-Security-Policy", value: csp },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
    ...(appUrl?.startsWith("https://")
      ? [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }]
      : []),
  ];
}
