import type { NextConfig } from "next";

const config: NextConfig = {
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "passkit-generator", "@resvg/resvg-js"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tests included) once; builds need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Separate build folders let several builds (tests, benchmarks) live side by side. They go under
  // .next/ (.next/e2e, .next/wallet, .next/bench), which `next dev` (writing .next/dev) does not watch.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  typedRoutes: false,
};

export default config;
