import type { NextConfig } from "next";

const config: NextConfig = {
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "passkit-generator", "@resvg/resvg-js"],
  poweredByHeader: false,
  // Separate build folders let several builds (tests, benchmarks) live side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  typedRoutes: false,
};

export default config;
