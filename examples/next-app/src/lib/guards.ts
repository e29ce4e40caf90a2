// The generated Next.js guards (src/auth/generated/guards.ts) bound to this app's `auth`.
import { auth } from "@/auth";
import { createGuards } from "@/auth/generated/guards";

/**
 * For pages: a missing session answers 401 and a missing role or permission 403
 * (`unauthorized()` / `forbidden()`, enabled by `experimental.authInterrupts`).
 */
export const pageGuards = createGuards(auth, { onUnauthorized: "interrupt", onForbidden: "interrupt" });

/** For Server Actions and Route Handlers: failures throw `AuthGuardError` (status 401 / 403). */
export const actionGuards = createGuards(auth, { onUnauthorized: "throw", onForbidden: "throw" });
