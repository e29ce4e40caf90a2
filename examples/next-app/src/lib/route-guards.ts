import { auth } from "@/auth";
import { createGuards } from "@/auth/generated/guards";

/** `withSession` / `withRole` / `withPermission` for Route Handlers, bound to this app's `auth`. */
export const { withSession, withRole, withPermission } = createGuards(auth);
