// A Route Handler guarded by the generated `withRole`: 401 / 403 JSON, else the handler runs
// with the narrowed session.
import { withRole } from "@/lib/route-guards";
import { strategy } from "@/auth";

export const GET = withRole("ADMIN", async (_req: Request, _ctx: unknown, session) =>
  Response.json({ report: "ok", viewer: session.user.id, role: session.user.role, strategy: strategy() }),
);
