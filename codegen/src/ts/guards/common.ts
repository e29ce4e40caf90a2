/**
 * Guards for the Next.js App Router (Next 15): `createGuards(getSession)` gives `require*`
 * functions for Server Components and Server Actions and `with*` wrappers for Route Handlers;
 * `checkRoute` decides route rules by role in middleware. Every check is the one of
 * `./permissions`, and every guard returns or passes the session narrowed as its predicate does.
 *
 * @module
 */

import type { Session } from "next-auth";
import { forbidden, redirect, unauthorized } from "next/navigation";
import {
  hasAllPermissions,
  hasAnyPermission,
  hasPermission,
  hasRole,
  isAuthenticated,
  type AuthSubject,
  type Permission,
  type Role,
  type SignedIn,
  type WithPermission,
  type WithRole,
} from "./permissions";

/** What `getSession` returns: next-auth's (augmented) `Session`, or `null` when signed out. */
export type MaybeSession = Session | null;

/** Why a guard refused: signed out (401) or signed in without the role or permission (403). */
export type Denial = "unauthorized" | "forbidden";

/**
 * What a `require*` guard does when it refuses:
 * - `"interrupt"`: `unauthorized()` / `forbidden()` from `next/navigation` (the page answers
 *   401 / 403); needs `experimental.authInterrupts` in `next.config`, else Next throws.
 * - `"redirect"`: `redirect()` to `signInUrl` (signed out) or `forbiddenUrl` (forbidden).
 * - `"throw"`: throws an {@link AuthGuardError} (`status` 401 or 403).
 */
export type OnDenied = "interrupt" | "redirect" | "throw";

/** Options of {@link createGuards}; every one has a default. */
export interface GuardOptions {
  /** When signed out. Default `"redirect"` (to `signInUrl`). */
  readonly onUnauthorized?: OnDenied;
  /** When signed in without the role or permission. Default `"throw"`. */
  readonly onForbidden?: OnDenied;
  /** Where `"redirect"` sends a signed-out user. Default `"/api/auth/signin"`. */
  readonly signInUrl?: string;
  /** Where `"redirect"` sends a forbidden user. Default `"/"`. */
  readonly forbiddenUrl?: string;
}

/** The error of the `"throw"` option: `status` is 401 or 403, `code` as in the JSON bodies. */
export class AuthGuardError extends Error {
  readonly code: Denial;
  readonly status: 401 | 403;

  constructor(code: Denial) {
    super(code === "unauthorized" ? "invalid or expired session" : "not allowed");
    this.name = "AuthGuardError";
    this.code = code;
    this.status = code === "unauthorized" ? 401 : 403;
  }
}

/**
 * The JSON answer of a refused Route Handler: `401 {"error":"unauthorized",…}` or
 * `403 {"error":"forbidden",…}`, the body the Rust runtime writes.
 */
export function denialResponse(denial: Denial): Response {
  const error = new AuthGuardError(denial);
  return Response.json({ error: denial, message: error.message }, { status: error.status });
}

/**
 * A Route Handler wrapped by a guard: Next's `req` and `ctx` (`{ params }`), then the narrowed
 * `session`. Name `ctx`'s type to read `params`: left `unknown`, it passes Next's build check of
 * route exports for every route.
 */
export type GuardedHandler<Req extends Request, Ctx, S> = (
  req: Req,
  ctx: Ctx,
  session: S,
) => Response | Promise<Response>;

/** The guards over one `getSession`; see {@link createGuards}. */
export interface Guards {
  /** The session, signed in; else the `onUnauthorized` option. */
  requireSession(): Promise<SignedIn<MaybeSession>>;
  $REQUIRE_ROLE_DOC
  requireRole<R extends Role>(role: R): Promise<WithRole<MaybeSession, R>>;
  /** The session holding `permission`; else the options. */
  requirePermission(permission: Permission): Promise<WithPermission<MaybeSession>>;
  /** The session holding one of `permissions`; else the options. */
  requireAnyPermission(permissions: readonly Permission[]): Promise<WithPermission<MaybeSession>>;
  /** The session holding every one of `permissions`; else the options. */
  requireAllPermissions(permissions: readonly Permission[]): Promise<WithPermission<MaybeSession>>;
  /** A Route Handler answering 401 when signed out. */
  withSession<Req extends Request = Request, Ctx = unknown>(
    handler: GuardedHandler<Req, Ctx, SignedIn<MaybeSession>>,
  ): (req: Req, ctx: Ctx) => Promise<Response>;
  $WITH_ROLE_DOC
  withRole<R extends Role, Req extends Request = Request, Ctx = unknown>(
    role: R,
    handler: GuardedHandler<Req, Ctx, WithRole<MaybeSession, R>>,
  ): (req: Req, ctx: Ctx) => Promise<Response>;
  /** A Route Handler answering 401 when signed out, 403 without `permission`. */
  withPermission<Req extends Request = Request, Ctx = unknown>(
    permission: Permission,
    handler: GuardedHandler<Req, Ctx, WithPermission<MaybeSession>>,
  ): (req: Req, ctx: Ctx) => Promise<Response>;
}

/**
 * The guards over `getSession`: v5's `auth` (from `NextAuth(config)`), or v4's
 * `() => getServerSession(authOptions)`.
 *
 * ```ts
 * export const { requireRole, withRole } = createGuards(auth, { onForbidden: "interrupt" });
 * ```
 */
export function createGuards(getSession: () => Promise<MaybeSession>, options: GuardOptions = {}): Guards {
  const deny = (denial: Denial): never => refuse(denial, options);
  // Each `check` is a predicate of `./permissions` whose narrowing is `S`.
  const need = async <S>(check: (s: MaybeSession) => boolean): Promise<S> => {
    const session = await getSession();
    if (!isAuthenticated(session)) return deny("unauthorized");
    if (!check(session)) return deny("forbidden");
    return session as S;
  };
  const wrap =
    <S, Req extends Request, Ctx>(check: (s: MaybeSession) => boolean, handler: GuardedHandler<Req, Ctx, S>) =>
    async (req: Req, ctx: Ctx): Promise<Response> => {
      const session = await getSession();
      if (!isAuthenticated(session)) return denialResponse("unauthorized");
      if (!check(session)) return denialResponse("forbidden");
      return handler(req, ctx, session as S);
    };
  return {
    requireSession: () => need<SignedIn<MaybeSession>>(() => true),
    requireRole: <R extends Role>(role: R) => need<WithRole<MaybeSession, R>>((s) => hasRole(s, role)),
    requirePermission: (p) => need<WithPermission<MaybeSession>>((s) => hasPermission(s, p)),
    requireAnyPermission: (ps) => need<WithPermission<MaybeSession>>((s) => hasAnyPermission(s, ps)),
    requireAllPermissions: (ps) => need<WithPermission<MaybeSession>>((s) => hasAllPermissions(s, ps)),
    withSession: (handler) => wrap(() => true, handler),
    withRole: (role, handler) => wrap((s) => hasRole(s, role), handler),
    withPermission: (p, handler) => wrap((s) => hasPermission(s, p), handler),
  };
}

/** Carries out the option for `denial`; never returns. */
function refuse(denial: Denial, options: GuardOptions): never {
  const mode = denial === "unauthorized" ? (options.onUnauthorized ?? "redirect") : (options.onForbidden ?? "throw");
  if (mode === "interrupt") {
    return denial === "unauthorized" ? unauthorized() : forbidden();
  }
  if (mode === "redirect") {
    return redirect(denial === "unauthorized" ? (options.signInUrl ?? "/api/auth/signin") : (options.forbiddenUrl ?? "/"));
  }
  throw new AuthGuardError(denial);
}

/**
 * Route rules by role for middleware: a path prefix (`"/admin"` covers `/admin` and
 * `/admin/…`, not `/administrator`) and the role it needs, `null` for "signed in". The longest
 * matching prefix wins; a path no rule covers is public.
 */
export type RouteRules = Readonly<Record<`/${string}`, Role | null>>;

/** The rule covering `pathname` (the longest prefix), or `undefined` when it is public. */
export function ruleFor(rules: RouteRules, pathname: string): { readonly role: Role | null } | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(rules)) {
    const base = prefix.length > 1 && prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
    const covers = base === "/" || pathname === base || pathname.startsWith(`${base}/`);
    if (covers && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : { role: rules[best as `/${string}`] ?? null };
}

/**
 * Whether `subject` (v5 `req.auth`, v4 `req.nextauth.token` or `authorized({ token })`) may open
 * `pathname` under `rules`: `"allow"`, `"unauthorized"` (signed out) or `"forbidden"`.
 */
export function checkRoute(rules: RouteRules, pathname: string, subject: AuthSubject): "allow" | Denial {
  const rule = ruleFor(rules, pathname);
  if (rule === undefined) return "allow";
  if (!isAuthenticated(subject)) return "unauthorized";
  return rule.role === null || hasRole(subject, rule.role) ? "allow" : "forbidden";
}

/** Options of the middleware helper; every one has a default. */
export interface RouteGuardOptions {
  /** Where a signed-out user is sent (with `callbackUrl`). Default `"/api/auth/signin"`. */
  readonly signInUrl?: string;
  /** A forbidden request: `"status"` answers 403 JSON (default), a path redirects there. */
  readonly forbidden?: "status" | `/${string}`;
}

/** The middleware answer for `denial` on `url`, as `options` say. */
function routeDenial(denial: Denial, url: URL, options: RouteGuardOptions): Response {
  if (denial === "unauthorized") {
    const target = new URL(options.signInUrl ?? "/api/auth/signin", url);
    target.searchParams.set("callbackUrl", url.href);
    return Response.redirect(target, 307);
  }
  const forbiddenTo = options.forbidden ?? "status";
  return forbiddenTo === "status" ? denialResponse("forbidden") : Response.redirect(new URL(forbiddenTo, url), 307);
}
