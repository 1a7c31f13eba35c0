import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";
import { getEnv } from "./server/env";
import { securityHeaders } from "./server/security-headers";

export default function nextConfig(phase: string): NextConfig {
  return {
    poweredByHeader: false,
    // Loaded by Node at run time rather than bundled: PGlite ships WASM and data files,
    // and the others use Node internals that bundling gains nothing from.
    serverExternalPackages: [
      "@electric-sql/pglite",
      "pg",
      "prom-client",
      "ioredis",
      "rate-limiter-flexible",
    ],
    async headers() {
      return [
        {
          source: "/:path*",
          headers: securityHeaders(phase === PHASE_DEVELOPMENT_SERVER, getEnv().nextAuthUrl),
        },
      ];
    },
  };
}
