import type { NextConfig } from "next";
import { API_PATHS, apiHeaders } from "./lib/security/headers";

const config: NextConfig = {
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "passkit-generator", "@resvg/resvg-js"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tests included) once; builds need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Separate build folders let several builds (tests, benchmarks) live side by side. They go under
  // .next/ (.next/test, .next/bench), which `next dev` (writing .next/dev) does not watch.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  typedRoutes: false,
  // The benchmark's reference route (app/api/bench/reference/route.bench.ts) is only part of a build
  // made with BENCH_ROUTES=1 (bench/support/server.ts does); every other build has no such route.
  // A build in CI starts from a clean clone and is never built again there: writing Turbopack's
  // cache for a next build would only cost time (about half a minute on two cores).
  experimental: { turbopackFileSystemCacheForBuild: !process.env.CI },
  // The API's answers carry fixed security headers, added by the router; pages get theirs (with a
  // nonce) from proxy.ts, whose matcher leaves these paths out.
  headers: async () => [{ source: API_PATHS, headers: Object.entries(apiHeaders()).map(([key, value]) => ({ key, value })) }],
  pageExtensions: ["tsx", "ts", "jsx", "js", ...(process.env.BENCH_ROUTES === "1" ? ["bench.ts"] : [])],
};

export default config;
