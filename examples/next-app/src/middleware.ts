// Route rules by role (the generated `routeGuard`), and the proxy to the Rust service.
//
// `runtime: "nodejs"` (stable in Next 15.5): database sessions are read from SQLite with
// better-sqlite3, which the Edge runtime cannot load.
import { NextResponse, type NextRequest } from "next/server";
import { auth, publicOrigin } from "@/auth";
import { routeGuard, type RouteRules } from "@/auth/generated/guards";

/** `/moderation` and below: MODERATOR or above (signed out: sign-in; other roles: 403 JSON). */
export const rules: RouteRules = { "/moderation": "MODERATOR" };

const guard = routeGuard(rules, { signInUrl: "/signin" });

/** `url` on the origin the browser uses (`AUTH_URL`; Next may report `localhost`). */
function publicUrl(url: URL): URL {
  const out = new URL(url.href);
  const origin = new URL(publicOrigin(url.href));
  out.protocol = origin.protocol;
  out.host = origin.host;
  return out;
}

const guarded = auth((req) => guard({ nextUrl: publicUrl(req.nextUrl), auth: req.auth }));

/**
 * `/svc/:path*` → `${RUST_SERVICE_URL}/api/:path*`, same origin for the browser, so the session
 * cookie goes along. A rewrite here rather than in next.config's `rewrites()`: those are frozen
 * into the build (routes-manifest.json), and this one reads the service's address at run time.
 */
function toService(req: NextRequest): NextResponse {
  const base = process.env.RUST_SERVICE_URL ?? "http://127.0.0.1:4000";
  const target = new URL(`/api/${req.nextUrl.pathname.slice("/svc/".length)}${req.nextUrl.search}`, base);
  return NextResponse.rewrite(target);
}

export default function middleware(req: NextRequest, ev: Parameters<typeof guarded>[1]) {
  if (req.nextUrl.pathname.startsWith("/svc/")) return toService(req);
  return guarded(req, ev);
}

export const config = {
  runtime: "nodejs",
  matcher: ["/moderation", "/moderation/:path*", "/svc/:path*"],
};
