import type { NextConfig } from "next";

const config: NextConfig = {
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "passkit-generator", "@resvg/resvg-js"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
