//! `trpc.ts`: tRPC procedures that check the next-auth session (`[typescript] trpc = true`).
//!
//! For `@trpc/server` 10.45 and 11: `authedProcedure`, `roleProcedure(role)`,
//! `permissionProcedure(permission)`, `anyPermissionProcedure(permissions)` and
//! `allPermissionsProcedure(permissions)`, built on a root of their own whose context is
//! `{ session: Session | null }`. The app attaches them to its own root with
//! `t.procedure.unstable_concat(…)` (10 and 11) or `t.procedure.concat(…)` (11), which keeps the
//! app's context, transformer and error formatter.
//!
//! No signed-in session (`null`, or a session whose user is `null`) is `UNAUTHORIZED`; signed in
//! without the role or permission is `FORBIDDEN`; both are middlewares, so they run before input
//! validation. The checks are `permissions.ts`'s own helpers, imported, so the semantics are the
//! same, and so are the types: afterwards `ctx.session` is `SignedIn<Session>`, and after
//! `roleProcedure(R)` it is `WithRole<Session, R>`: the user's role is `R` or a role declared
//! after it (a list of roles narrows the user only); with a free-form string role (no role enum)
//! it is exactly `R`, and the comments of the file say so. A context session that lacks its user
//! key altogether is signed out here (`permissions.ts` would read such an object as a JWT or user).

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::model::{FieldRole, Model};
use crate::output::OutputFile;

use super::types::string_literal;

/// The `trpc.ts` output: tRPC procedures that check the session.
///
/// ```
/// use authgen_codegen::{config::Config, emit::Emitter, frontend::check::check, ts::Trpc};
/// use authgen_codegen::model::{Def, Item, ItemKind, Model, Variant};
/// let role = Item {
///     name: "Role".into(),
///     kind: ItemKind::Role,
///     docs: vec![],
///     def: Def::Enum { variants: vec![Variant::new("User", "USER"), Variant::new("Admin", "ADMIN")] },
///     table: None,
///     ext_trait: None,
///     loc: None,
/// };
/// let model = check(Model { items: vec![role] }).unwrap();
/// let files = Trpc.emit(&model, &Config::default()).unwrap();
/// assert_eq!(files[0].path, std::path::Path::new("types/trpc.ts"));
/// let text = &files[0].contents;
/// assert!(text.contains("export function roleProcedure<R extends Role>(role: R)"));
/// assert!(text.contains("export type SessionWithRole<R extends Role> = WithRole<Session, R>;"));
/// ```
pub struct Trpc;

impl Emitter for Trpc {
    fn name(&self) -> &'static str {
        super::TRPC_FILE
    }

    fn emit(&self, model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        Ok(vec![OutputFile {
            path: config.typescript.out_dir.join(super::TRPC_FILE),
            contents: render(model),
        }])
    }
}

/// Renders `trpc.ts`.
fn render(model: &Model) -> String {
    let docs = if model.has_free_form_role() {
        &FREE_FORM_ROLE_DOCS
    } else {
        &ENUM_ROLE_DOCS
    };
    let mut out = super::header();
    out.push_str(
        &PREAMBLE
            .replace("$ROLE_NARROWING", docs.narrowing)
            .replace("$SESSION_WITH_ROLE_DOC", docs.session_with_role),
    );
    out.push_str(
        &PROCEDURES
            .replace("$USER_KEY", &string_literal(&session_user_key(model)))
            .replace("$ROLE_PROCEDURE_DOC", docs.role_procedure),
    );
    out
}

/// The comments that say what a role check means: a role and those above it (a role enum), or
/// exactly that role (a free-form string role, which has no hierarchy).
struct RoleDocs {
    /// The end of the module comment's last sentence, after "its".
    narrowing: &'static str,
    /// The comment of `SessionWithRole`.
    session_with_role: &'static str,
    /// The comment of `roleProcedure`.
    role_procedure: &'static str,
}

/// A role enum: a role check passes for the role and the roles declared after it.
const ENUM_ROLE_DOCS: RoleDocs = RoleDocs {
    narrowing: " * role is narrowed to that role and the roles above it.",
    session_with_role: "/**
 * A signed-in session whose user holds role `R` or a role above it (`WithRole<Session, R>`: the
 * role claim is `RolesAtLeast[R]`).
 */",
    role_procedure: "/**
 * A procedure for users holding `role` or a role above it (`hasRole`): `UNAUTHORIZED` when not
 * signed in, `FORBIDDEN` without the role.
 */",
};

/// A free-form string role: a role check is an exact comparison.
const FREE_FORM_ROLE_DOCS: RoleDocs = RoleDocs {
    narrowing: " * role is exactly that role (roles are free-form strings, compared exactly: no hierarchy).",
    session_with_role: "/**
 * A signed-in session whose user's role is exactly `R` (`WithRole<Session, R>`: roles are
 * free-form strings, compared exactly, with no hierarchy and no case folding).
 */",
    role_procedure: "/**
 * A procedure for users whose role is exactly `role` (`hasRole`: no hierarchy, no case folding):
 * `UNAUTHORIZED` when not signed in, `FORBIDDEN` with any other role or none.
 */",
};

/// The key of `session.user` on the wire (`user` unless the model renames it).
fn session_user_key(model: &Model) -> String {
    model
        .session()
        .and_then(|s| s.field_with_role(FieldRole::User))
        .map_or_else(|| "user".to_string(), |f| f.wire.clone())
}

const PREAMBLE: &str = r#"/**
 * tRPC procedures that check the next-auth session, for `@trpc/server` 10.45 and 11. They are
 * built on a root of their own, whose context is `{ session: Session | null }`; attach them to
 * the app's root, which keeps the app's context, transformer and error formatter:
 *
 * ```ts
 * const t = initTRPC.context<Context>().create({ transformer: superjson });
 * export const protectedProcedure = t.procedure.unstable_concat(authedProcedure);
 * export const adminProcedure = t.procedure.unstable_concat(roleProcedure("ADMIN"));
 * ```
 *
 * (`t.procedure.concat(…)` on tRPC 11.) The app's context must have `session: Session | null`.
 * No signed-in session is `UNAUTHORIZED`; signed in without the role or permission is
 * `FORBIDDEN`; both are checked before the input is validated. The checks are the helpers of
 * `permissions.ts`. Afterwards `ctx.session` is signed in, and after `roleProcedure(role)` its
$ROLE_NARROWING
 *
 * @module
 */
import { initTRPC, TRPCError } from "@trpc/server";
import type { Session } from "next-auth";
import {
  hasAllPermissions,
  hasAnyPermission,
  hasPermission,
  hasRole,
  type Permission,
  type Role,
  type SignedIn,
  type WithRole,
} from "./permissions";

/** The context the procedures read: the app's context has at least this. */
export interface AuthContext {
  session: Session | null;
}

/** A signed-in session: its user is not `null` (`SignedIn<Session>`). */
export type SignedInSession = SignedIn<Session>;

$SESSION_WITH_ROLE_DOC
export type SessionWithRole<R extends Role> = WithRole<Session, R>;
"#;

const PROCEDURES: &str = r#"
const t = initTRPC.context<AuthContext>().create();

/**
 * `session` if it is signed in (not `null`, and its user is not `null`), else `undefined`. Unlike
 * `isAuthenticated`, an object without the user key is not signed in: it is no session.
 */
function signedIn(session: Session | null | undefined): SignedInSession | undefined {
  if (typeof session !== "object" || session === null) {
    return undefined;
  }
  const user: unknown = (session as unknown as Readonly<Record<string, unknown>>)[$USER_KEY];
  return typeof user === "object" && user !== null ? (session as SignedInSession) : undefined;
}

function unauthorized(): TRPCError {
  return new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
}

function forbidden(what: string): TRPCError {
  return new TRPCError({ code: "FORBIDDEN", message: `This needs ${what}.` });
}

/** A procedure for signed-in users: `UNAUTHORIZED` otherwise. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  const session = signedIn(ctx.session);
  if (!session) {
    throw unauthorized();
  }
  return next({ ctx: { session } });
});

$ROLE_PROCEDURE_DOC
export function roleProcedure<R extends Role>(role: R) {
  return t.procedure.use(({ ctx, next }) => {
    const session = signedIn(ctx.session);
    if (!session) {
      throw unauthorized();
    }
    if (!hasRole(session, role)) {
      throw forbidden(`the role ${role}`);
    }
    return next({ ctx: { session: session as SessionWithRole<R> } });
  });
}

/**
 * A procedure for users holding `permission` (`hasPermission`): `UNAUTHORIZED` when not signed
 * in, `FORBIDDEN` without it.
 */
export function permissionProcedure(permission: Permission) {
  return t.procedure.use(({ ctx, next }) => {
    const session = signedIn(ctx.session);
    if (!session) {
      throw unauthorized();
    }
    if (!hasPermission(session, permission)) {
      throw forbidden(`the permission ${permission}`);
    }
    return next({ ctx: { session: session as SignedInSession } });
  });
}

/**
 * A procedure for users holding at least one of `permissions` (`hasAnyPermission`; none for an
 * empty list): `UNAUTHORIZED` when not signed in, `FORBIDDEN` otherwise.
 */
export function anyPermissionProcedure(permissions: readonly Permission[]) {
  return t.procedure.use(({ ctx, next }) => {
    const session = signedIn(ctx.session);
    if (!session) {
      throw unauthorized();
    }
    if (!hasAnyPermission(session, permissions)) {
      throw forbidden(`one of the permissions ${permissions.join(", ")}`);
    }
    return next({ ctx: { session: session as SignedInSession } });
  });
}

/**
 * A procedure for users holding every one of `permissions` (`hasAllPermissions`; any signed-in
 * user for an empty list): `UNAUTHORIZED` when not signed in, `FORBIDDEN` otherwise.
 */
export function allPermissionsProcedure(permissions: readonly Permission[]) {
  return t.procedure.use(({ ctx, next }) => {
    const session = signedIn(ctx.session);
    if (!session) {
      throw unauthorized();
    }
    if (!hasAllPermissions(session, permissions)) {
      throw forbidden(`the permissions ${permissions.join(", ")}`);
    }
    return next({ ctx: { session: session as SignedInSession } });
  });
}
"#;
