import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Loaded by Node at run time rather than bundled: PGlite ships WASM and data files,
  // and the others use Node internals that bundling gains nothing from.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "prom-client", "ioredis", "rate-limiter-flexible"],
};

export default nextConfig;
