import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/security/headers";

const config: NextConfig = {
  // PGlite ships wasm and data files; pg and Prisma's adapters must stay Node-side.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg", "bcryptjs"],
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // The dev server refuses its own scripts to another host name; 127.0.0.1 is what many open.
  allowedDevOrigins: ["127.0.0.1"],
  typedRoutes: false,
  // The CSP needs a nonce per request, so proxy.ts sets it; these are the same for every response.
  async headers() {
    return [{ source: "/:path*", headers: [...SECURITY_HEADERS] }];
  },
};

export default config;
