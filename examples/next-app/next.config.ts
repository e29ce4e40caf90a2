import type { NextConfig } from "next";

const config: NextConfig = {
  // `unauthorized()` / `forbidden()` from `next/navigation` (the generated guards' "interrupt"
  // mode): pages answer 401 / 403.
  experimental: { authInterrupts: true },
  // Native module: loaded by Node at run time, never bundled.
  serverExternalPackages: ["better-sqlite3"],
  // No telemetry, no image optimisation downloads: the example runs offline.
  images: { unoptimized: true },
  poweredByHeader: false,
};

export default config;
