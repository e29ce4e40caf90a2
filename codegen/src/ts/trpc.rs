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
//! same. Afterwards `ctx.session` is non-null, its user is non-null, and after
//! `roleProcedure(R)` the user's role has the type of `R` and the roles declared after it (when
//! `session.user` has one role field of the role enum; a list of roles narrows the user only).

use std::fmt::Write as _;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::model::{FieldRole, Item, Model, Type};
use crate::output::OutputFile;

use super::types::{property_key, string_literal};

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
/// assert!(text.contains("  USER: \"USER\" | \"ADMIN\";\n  ADMIN: \"ADMIN\";\n"));
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
    let user_key = session_user_key(model);
    let mut out = super::header();
    out.push_str(PREAMBLE);
    out.push_str(&roles_at_least(model));
    out.push_str(&session_types(&user_key, role_key(model).as_deref()));
    out.push_str(&PROCEDURES.replace("$USER_KEY", &string_literal(&user_key)));
    out
}

/// The key of `session.user` on the wire (`user` unless the model renames it).
fn session_user_key(model: &Model) -> String {
    model
        .session()
        .and_then(|s| s.field_with_role(FieldRole::User))
        .map_or_else(|| "user".to_string(), |f| f.wire.clone())
}

/// The key of the role in `session.user`, when there is exactly one role field there and it
/// holds one role of the role enum (possibly `null`): then a role check can narrow its type.
fn role_key(model: &Model) -> Option<String> {
    let role = model.role()?;
    let user = model.session_user()?;
    let mut fields = user
        .fields()
        .iter()
        .filter(|f| f.role == Some(FieldRole::Role) && f.targets.wire);
    let field = fields.next()?;
    if fields.next().is_some() || field.ts_type.is_some() {
        return None;
    }
    match &field.ty {
        Type::Named { name } if *name == role.name => Some(field.wire.clone()),
        _ => None,
    }
}

/// `RolesAtLeast`: each role and the roles declared after it.
fn roles_at_least(model: &Model) -> String {
    let roles: Vec<String> = model
        .role()
        .map(Item::variants)
        .unwrap_or(&[])
        .iter()
        .map(|v| v.wire.clone())
        .collect();
    let mut out = String::from(
        "\n/** Each role and the roles above it (declaration order is ascending privilege). */\nexport type RolesAtLeast = {",
    );
    if roles.is_empty() {
        out.push_str("};\n");
        return out;
    }
    out.push('\n');
    for (i, role) in roles.iter().enumerate() {
        let above: Vec<String> = roles[i..].iter().map(|r| string_literal(r)).collect();
        let _ = writeln!(out, "  {}: {};", property_key(role), above.join(" | "));
    }
    out.push_str("};\n");
    out
}

/// `SignedInSession` and `SessionWithRole`.
fn session_types(user_key: &str, role_key: Option<&str>) -> String {
    let user = property_key(user_key);
    let user_lit = string_literal(user_key);
    let with_role = match role_key {
        Some(key) => format!(
            "SignedInSession & {{ {user}: {{ {}: RolesAtLeast[R] }} }}",
            property_key(key)
        ),
        None => "SignedInSession".to_string(),
    };
    format!(
        r#"
/** A signed-in session: `Session` whose user is there (not `null`). */
export type SignedInSession = Session & {{ {user}: NonNullable<Session[{user_lit}]> }};

/** A signed-in session whose user holds role `R` or a role above it. */
export type SessionWithRole<R extends Role> = {with_role};
"#
    )
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
 * role is narrowed to that role and the roles above it.
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
} from "./permissions";

/** The context the procedures read: the app's context has at least this. */
export interface AuthContext {
  session: Session | null;
}
"#;

const PROCEDURES: &str = r#"
const t = initTRPC.context<AuthContext>().create();

/** `session` if it is signed in (not `null`, and its user is not `null`), else `undefined`. */
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

/**
 * A procedure for users holding `role` or a role above it (`hasRole`): `UNAUTHORIZED` when not
 * signed in, `FORBIDDEN` without the role.
 */
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
