// `GET /api/me`: the caller as next-auth's `auth()` sees it, the Next.js twin of the Rust
// service's `GET /api/me` (same JSON keys; 401 `{"error":"unauthorized"}` without a session).
// scripts/bench-load.sh measures both on the same cookies. Not under the middleware's matcher:
// the request reaches this handler directly.
import { auth, strategy } from "@/auth";

// `auth()` reads the request's cookies: never prerendered, never cached.
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const session = await auth();
  if (!session?.user) {
    return Response.json({ error: "unauthorized" }, { status: 401 });
  }
  const { id, name, email, role, permissions } = session.user;
  return Response.json({
    id,
    name: name ?? null,
    email: email ?? null,
    role,
    permissions,
    strategy: strategy(),
  });
}
