//! `permissions.ts`: roles, permissions and the checks, with no dependencies, matching
//! `authgen_runtime::authz` exactly.

use std::fmt::Write as _;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::model::{FieldRole, Item, ItemKind, Model, Type, Variant};
use crate::output::OutputFile;

use super::types::{jsdoc, string_literal};

/// `isAdmin` for the Rust variant `Admin` (`SuperAdmin`, `super_admin` and `SUPER_ADMIN` all give
/// `isSuperAdmin`).
pub(crate) fn predicate_name(variant: &str) -> String {
    let mut out = String::from("is");
    for seg in variant.split('_').filter(|s| !s.is_empty()) {
        let all_upper = seg.chars().all(|c| !c.is_lowercase());
        let mut chars = seg.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            let rest: String = chars.collect();
            if all_upper {
                out.push_str(&rest.to_lowercase());
            } else {
                out.push_str(&rest);
            }
        }
    }
    out
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    if !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

/// The wire keys of `role` fields: (in `session.user`, elsewhere).
fn keys(model: &Model, role: FieldRole) -> (Vec<String>, Vec<String>) {
    let mut session = Vec::new();
    let mut other = Vec::new();
    for item in &model.items {
        if !item.kind.is_principal() {
            continue;
        }
        for f in item.fields() {
            if f.role == Some(role) && f.targets.wire {
                if item.kind == ItemKind::SessionUser {
                    push_unique(&mut session, &f.wire);
                } else {
                    push_unique(&mut other, &f.wire);
                }
            }
        }
    }
    (session, other)
}

fn list(keys: &[String]) -> String {
    let lits: Vec<String> = keys.iter().map(|k| string_literal(k)).collect();
    format!("[{}]", lits.join(", "))
}

/// Whether every principal's permissions are the permission enum (else they are free-form
/// strings).
fn typed_permissions(model: &Model, perm: Option<&Item>) -> bool {
    let Some(perm) = perm else { return false };
    model
        .items
        .iter()
        .filter(|i| i.kind.is_principal())
        .filter_map(|i| i.field_with_role(FieldRole::Permissions))
        .all(|f| match &f.ty {
            Type::List { of } => matches!(&**of, Type::Named { name } if *name == perm.name),
            _ => false,
        })
}

/// The `permissions.ts` output: roles, permissions and the checks, without dependencies.
///
/// ```
/// use authgen_codegen::{config::Config, emit::Emitter, frontend::check::check, model::Model, ts::Permissions};
/// let files = Permissions.emit(&check(Model::default()).unwrap(), &Config::default()).unwrap();
/// assert!(files[0].contents.contains("export const ROLES = [] as const;"));
/// ```
pub struct Permissions;

impl Emitter for Permissions {
    fn name(&self) -> &'static str {
        super::PERMISSIONS_FILE
    }

    fn emit(&self, model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let contents = render(model, &super::header())?;
        Ok(vec![OutputFile {
            path: config.typescript.out_dir.join(super::PERMISSIONS_FILE),
            contents,
        }])
    }
}

/// Renders `permissions.ts`.
fn render(model: &Model, header: &str) -> Result<String, Vec<Diagnostic>> {
    let preds = predicates(model)?;
    let mut out = String::new();
    out.push_str(header);
    out.push_str(
        "/**\n * Roles, permissions and checks over next-auth sessions, JWTs and users. No dependencies:\n * import it on the server, at the edge or in the browser. The checks match the Rust helpers\n * (`authgen::runtime`) exactly; `null` and `undefined` never have access.\n *\n * @module\n */\n",
    );
    let free_form = model.has_free_form_role();
    if free_form {
        out.push_str(FREE_FORM_ROLES);
    } else {
        out.push_str(&roles(model));
        out.push_str(&roles_at_least(model));
    }
    out.push_str(&permissions(model));
    out.push_str(&subjects(model));
    out.push_str(&narrowing(model));
    if free_form {
        out.push_str(&with_role(model, FREE_FORM_ROLE_CLAIM));
        out.push_str(FREE_FORM_ROLE_OF);
        out.push_str(PERMISSIONS_OF);
        out.push_str(FREE_FORM_HAS_ROLE);
    } else {
        out.push_str(&with_role(model, ENUM_ROLE_CLAIM));
        out.push_str(RANKED_ROLES_OF);
        out.push_str(PERMISSIONS_OF);
        out.push_str(ENUM_HAS_ROLE);
    }
    out.push_str(PERMISSION_CHECKS);
    for (name, v) in &preds {
        out.push_str(&predicate(name, v));
    }
    Ok(out)
}

/// One `is<Role>` helper per role, in order; two roles giving one name are an error.
fn predicates(model: &Model) -> Result<Vec<(String, &Variant)>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut preds: Vec<(String, &Variant)> = Vec::new();
    for v in model.role().map(Item::variants).unwrap_or(&[]) {
        let name = predicate_name(&v.name);
        if let Some((_, other)) = preds.iter().find(|(n, _)| *n == name) {
            errors.push(Diagnostic::new(
                v.loc.clone(),
                format!(
                    "roles `{}` and `{}` both give the TypeScript helper `{name}`",
                    other.name, v.name
                ),
            ));
            continue;
        }
        preds.push((name, v));
    }
    if errors.is_empty() {
        Ok(preds)
    } else {
        Err(errors)
    }
}

/// `ROLES` and `Role`.
fn roles(model: &Model) -> String {
    let role = model.role();
    let roles = role.map(Item::variants).unwrap_or(&[]);
    let mut out = String::from("\n");
    match role {
        Some(r) => {
            let mut docs = r.docs.clone();
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push(
                "Every role, in ascending privilege: each role includes the ones before it.".into(),
            );
            out.push_str(&jsdoc(&docs, ""));
        }
        None => out.push_str("/** Every role: the model has no role enum. */\n"),
    }
    out.push_str("export const ROLES = [");
    if !roles.is_empty() {
        out.push('\n');
        for v in roles {
            out.push_str(&jsdoc(&v.docs, "  "));
            let _ = writeln!(out, "  {},", string_literal(&v.wire));
        }
    }
    out.push_str("] as const;\n");
    out.push_str("\n/** A role. */\nexport type Role = (typeof ROLES)[number];\n");
    out
}

/// `RolesAtLeast`: for each role, the union of it and every role declared after it.
fn roles_at_least(model: &Model) -> String {
    let roles = model.role().map(Item::variants).unwrap_or(&[]);
    let mut out = String::from(
        "\n/**\n * For each role, the roles at or above it (declaration order is ascending privilege): the\n * type of a role claim after `hasRole(subject, role)`.\n */\nexport type RolesAtLeast = {",
    );
    if !roles.is_empty() {
        out.push('\n');
    }
    for (i, v) in roles.iter().enumerate() {
        let above: Vec<String> = roles[i..].iter().map(|r| string_literal(&r.wire)).collect();
        let _ = writeln!(
            out,
            "  {}: {};",
            super::types::property_key(&v.wire),
            above.join(" | ")
        );
    }
    out.push_str("};\n");
    out
}

/// `PERMISSIONS` and `Permission`.
fn permissions(model: &Model) -> String {
    let perm = model.permission();
    let mut out = String::from("\n");
    match perm {
        Some(p) => {
            let mut docs = p.docs.clone();
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push("Every permission.".into());
            out.push_str(&jsdoc(&docs, ""));
            out.push_str("export const PERMISSIONS = [\n");
            for v in p.variants() {
                out.push_str(&jsdoc(&v.docs, "  "));
                let _ = writeln!(out, "  {},", string_literal(&v.wire));
            }
            out.push_str("] as const;\n");
        }
        None => {
            out.push_str("/** Every permission: the model has no permission enum, permissions are free-form strings. */\nexport const PERMISSIONS: readonly string[] = [];\n");
        }
    }
    if typed_permissions(model, perm) {
        out.push_str(
            "\n/** A permission. */\nexport type Permission = (typeof PERMISSIONS)[number];\n",
        );
    } else {
        out.push_str("\n/** A permission: free-form, as the model keeps permissions as strings. */\nexport type Permission = string;\n");
    }
    out
}

/// `AuthPrincipal`, `AuthSubject`, the claim keys and `claim`, which reads them.
fn subjects(model: &Model) -> String {
    let (role_session, role_other) = keys(model, FieldRole::Role);
    let (perm_session, perm_other) = keys(model, FieldRole::Permissions);
    let (session_key, is_session) = session_test(model);
    format!(
        r#"
/** What the checks read from a next-auth `JWT` or `User`, or from a `Session`'s `user`. */
export interface AuthPrincipal {{
{principal_members}}}

/**
 * Anything a request can be authorised by: a next-auth `Session`, `JWT` or `User`, or nothing
 * (`null` or `undefined`, which never have access).
 */
export type AuthSubject =
  | AuthPrincipal
  | {{ readonly {session_prop}?: AuthPrincipal | null }}
  | null
  | undefined;

const SESSION_ROLE_KEYS: readonly string[] = {role_session};
const ROLE_KEYS: readonly string[] = {role_other};
const SESSION_PERMISSION_KEYS: readonly string[] = {perm_session};
const PERMISSION_KEYS: readonly string[] = {perm_other};

/**
 * What the claims are read from: the subject itself, or a session's `user` (then `true`);
 * `undefined` when signed out (no subject, or a session whose `user` is `null`).
 */
function holderOf(subject: AuthSubject): readonly [object, boolean] | undefined {{
  if (subject === null || subject === undefined || typeof subject !== "object") {{
    return undefined;
  }}
  if ({is_session}) {{
    const user: unknown = (subject as Readonly<Record<string, unknown>>)[{session_lit}];
    return user === null || typeof user !== "object" ? undefined : [user, true];
  }}
  return [subject, false];
}}

function claim(subject: AuthSubject, inSession: readonly string[], elsewhere: readonly string[]): unknown {{
  const found = holderOf(subject);
  if (found === undefined) {{
    return undefined;
  }}
  const [holder, isSession] = found;
  for (const key of isSession ? inSession : elsewhere) {{
    if (Object.prototype.hasOwnProperty.call(holder, key)) {{
      const value: unknown = (holder as Readonly<Record<string, unknown>>)[key];
      if (value !== undefined) {{
        return value;
      }}
    }}
  }}
  return undefined;
}}

"#,
        principal_members =
            principal_members(&role_session, &role_other, &perm_session, &perm_other),
        session_prop = super::types::property_key(&session_key),
        session_lit = string_literal(&session_key),
        role_session = list(&role_session),
        role_other = list(&role_other),
        perm_session = list(&perm_session),
        perm_other = list(&perm_other),
    )
}

/// The key of `session.user`, and the TypeScript test that tells a session from a principal.
fn session_test(model: &Model) -> (String, String) {
    let (session_key, ambiguous) = session_key(model);
    let is_session = if ambiguous {
        format!(
            "{} in subject && \"expires\" in subject",
            string_literal(&session_key)
        )
    } else {
        format!("{} in subject", string_literal(&session_key))
    };
    (session_key, is_session)
}

/// The key of `session.user`, and whether a JWT or user claim has that key too (then a session
/// is told apart by also having `expires`).
fn session_key(model: &Model) -> (String, bool) {
    let session_key = model
        .session()
        .and_then(|s| s.field_with_role(FieldRole::User))
        .map_or_else(|| "user".to_string(), |f| f.wire.clone());
    // A JWT or user claim with the session's `user` key would look like a session: then also
    // require `expires`.
    let ambiguous = model
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Jwt | ItemKind::User))
        .any(|i| {
            i.fields()
                .iter()
                .any(|f| f.targets.wire && f.wire == session_key)
        });
    (session_key, ambiguous)
}

/// A TypeScript union of string literals (`never` when empty).
fn union(keys: &[String]) -> String {
    if keys.is_empty() {
        return "never".into();
    }
    let lits: Vec<String> = keys.iter().map(|k| string_literal(k)).collect();
    lits.join(" | ")
}

/// The types the checks narrow to: `SignedIn`, `WithRole`, `WithPermission` and their parts.
fn narrowing(model: &Model) -> String {
    let (role_session, role_other) = keys(model, FieldRole::Role);
    let (key, ambiguous) = session_key(model);
    let lit = string_literal(&key);
    let session_keys = if ambiguous {
        format!("{lit} | \"expires\"")
    } else {
        lit
    };
    format!(
        r#"/** The keys `T` declares, without those of an index signature (next-auth's `JWT` has one). */
type DeclaredKeys<T> = keyof {{
  [K in keyof T as string extends K ? never : number extends K ? never : symbol extends K ? never : K]: unknown;
}};

/** Whether `S` is a session, as the checks tell one apart at run time. */
type IsSession<S> = [{session_keys}] extends [DeclaredKeys<S>] ? true : false;

/** A session's `user`. */
type SessionUserOf<S> = S extends {{ readonly {prop}?: infer U }} ? U : never;

/** The keys of role claims: in `session.user`, elsewhere. */
type SessionRoleKey = {role_session};
type RoleKey = {role_other};

/** Type-only: no such value exists at run time. */
declare const checkPassed: unique symbol;

/**
 * Marks a subject that passed a check its type cannot spell out (a permission, or a role in a
 * list of roles), so that the else branch of `if (hasPermission(session, …))` keeps the
 * signed-in session. Type-only: no such member exists at run time.
 */
export interface CheckPassed {{
  readonly [checkPassed]: true;
}}

/**
 * What `isAuthenticated` leaves of `S`: not `null` or `undefined`, and a session's `{key}` not
 * `null` either.
 */
export type SignedIn<S> = S extends null | undefined
  ? never
  : IsSession<S> extends true
    ? S & {{ {prop}: NonNullable<SessionUserOf<S>> }}
    : S;

"#,
        prop = super::types::property_key(&key),
        role_session = union(&role_session),
        role_other = union(&role_other),
    )
}

/// `RoleClaim` of a role enum: the roles at or above the one checked for.
const ENUM_ROLE_CLAIM: &str = r#"/** A role claim of type `T` after a check for `R`: a role at or above `R`; a list: not `null`. */
type RoleClaim<T, R extends Role> = [NonNullable<T>] extends [readonly unknown[]]
  ? NonNullable<T>
  : T & RolesAtLeast[R];
"#;

/// `RoleClaim` of a free-form role: exactly the string checked for.
const FREE_FORM_ROLE_CLAIM: &str = r#"/** A free-form role claim of type `T` after a check for `R`: exactly `R`, not `null`. */
type RoleClaim<T, R extends Role> = NonNullable<T> & R;
"#;

/// `ROLES` and `Role` of a model whose roles are free-form strings.
const FREE_FORM_ROLES: &str = r#"
/** Every role: the model's roles are free-form strings (no role enum), compared exactly. */
export const ROLES: readonly string[] = [];

/** A role: a free-form string, compared exactly (no hierarchy, no case folding). */
export type Role = string;
"#;

/// `WithRole` (with its parts, after `role_claim`) and `WithPermission`.
fn with_role(model: &Model, role_claim: &str) -> String {
    let (key, _) = session_key(model);
    let doc = if model.has_free_form_role() {
        "its role claim exactly `R`\n * (after `hasRole(session, \"admin\")`, `session.{key}.role` is `\"admin\"`)"
    } else {
        "its role claim one of\n * `RolesAtLeast[R]` (after `isAdmin(session)`, `session.{key}.role` is `\"ADMIN\"`)"
    };
    let doc = doc.replace("{key}", &key);
    format!(
        r#"{role_claim}
/** The principal `P`, with role claims under the keys `K`, after a check for `R`. */
type PrincipalWithRole<P, K extends string, R extends Role> = P & {{
  [Q in K & DeclaredKeys<P>]: RoleClaim<Q extends keyof P ? P[Q] : never, R>;
}};

/** Nothing when `P` declares one role under `K` (the narrowing says it all), else `CheckPassed`. */
type RoleMark<P, K extends string> = [K & DeclaredKeys<P>] extends [never]
  ? CheckPassed
  : [Extract<NonNullable<P[K & keyof P]>, readonly unknown[]>] extends [never]
    ? unknown
    : CheckPassed;

/**
 * What `hasRole(subject, role)` leaves of `S`: signed in, and {doc}.
 */
export type WithRole<S, R extends Role> = S extends null | undefined
  ? never
  : IsSession<S> extends true
    ? S & {{ {prop}: PrincipalWithRole<NonNullable<SessionUserOf<S>>, SessionRoleKey, R> }} &
        RoleMark<NonNullable<SessionUserOf<S>>, SessionRoleKey>
    : PrincipalWithRole<S, RoleKey, R> & RoleMark<S, RoleKey>;

/** What `hasPermission`, `hasAnyPermission` and `hasAllPermissions` leave of `S`: signed in. */
export type WithPermission<S> = SignedIn<S> & CheckPassed;

"#,
        prop = super::types::property_key(&key),
    )
}

/// Reading the roles of a subject with a role enum (a role or a list of roles), by rank.
const RANKED_ROLES_OF: &str = r#"function rank(role: string): number {
  return (ROLES as readonly string[]).indexOf(role);
}

function rolesOf(subject: AuthSubject): readonly string[] {
  const value = claim(subject, SESSION_ROLE_KEYS, ROLE_KEYS);
  if (typeof value === "string") {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.filter((r): r is string => typeof r === "string");
  }
  return [];
}
"#;

/// Reading the free-form role of a subject: one string, or none.
const FREE_FORM_ROLE_OF: &str = r#"function roleOf(subject: AuthSubject): string | undefined {
  const value = claim(subject, SESSION_ROLE_KEYS, ROLE_KEYS);
  return typeof value === "string" ? value : undefined;
}
"#;

/// Reading the permissions, and `isAuthenticated`: the same for every model.
const PERMISSIONS_OF: &str = r#"
function permissionsOf(subject: AuthSubject): readonly string[] {
  const value = claim(subject, SESSION_PERMISSION_KEYS, PERMISSION_KEYS);
  if (Array.isArray(value)) {
    return value.filter((p): p is string => typeof p === "string");
  }
  return [];
}

/**
 * Whether `subject` is signed in: a `JWT` or `User`, or a session whose `user` is not `null`.
 * Narrows to {@link SignedIn}.
 */
export function isAuthenticated<S extends AuthSubject>(subject: S): subject is SignedIn<S> {
  return holderOf(subject) !== undefined;
}
"#;

/// `hasRole` over a role enum: at least that role.
const ENUM_HAS_ROLE: &str = r#"
/**
 * Whether `subject` holds `role` or a role above it in the hierarchy. Narrows to
 * {@link WithRole}: the role claim becomes `RolesAtLeast[R]`.
 */
export function hasRole<S extends AuthSubject, R extends Role>(subject: S, role: R): subject is WithRole<S, R> {
  const wanted = rank(role);
  if (wanted < 0) {
    return false;
  }
  return rolesOf(subject).some((mine) => rank(mine) >= wanted);
}
"#;

/// `hasRole` and `hasAnyRole` over free-form roles: exact comparison.
const FREE_FORM_HAS_ROLE: &str = r#"
/**
 * Whether `subject`'s role is exactly `role` (free-form: no hierarchy, no case folding). Narrows
 * to {@link WithRole}: signed in, and the role claim becomes `R`.
 */
export function hasRole<S extends AuthSubject, R extends Role>(subject: S, role: R): subject is WithRole<S, R> {
  return roleOf(subject) === role;
}

/**
 * Whether `subject`'s role is exactly one of `roles` (false for an empty list). Narrows to
 * {@link WithRole}: signed in, and the role claim becomes one of `R`.
 */
export function hasAnyRole<S extends AuthSubject, R extends Role>(
  subject: S,
  roles: readonly R[],
): subject is WithRole<S, R> {
  const mine = roleOf(subject);
  return mine !== undefined && (roles as readonly string[]).includes(mine);
}
"#;

/// The permission checks, the same for every model.
const PERMISSION_CHECKS: &str = r#"
/**
 * Whether `subject` holds `permission` (compared exactly: no wildcards, no hierarchy). Narrows to
 * a signed-in subject ({@link WithPermission}).
 */
export function hasPermission<S extends AuthSubject>(subject: S, permission: Permission): subject is WithPermission<S> {
  return permissionsOf(subject).includes(permission);
}

/**
 * Whether `subject` holds at least one of `permissions` (false for an empty list). Narrows to a
 * signed-in subject ({@link WithPermission}).
 */
export function hasAnyPermission<S extends AuthSubject>(
  subject: S,
  permissions: readonly Permission[],
): subject is WithPermission<S> {
  const mine = permissionsOf(subject);
  return permissions.some((p) => mine.includes(p));
}

/**
 * Whether `subject` holds every one of `permissions` (true for an empty list, but only when
 * signed in: `null`, `undefined` and a session whose `user` is `null` never have access). Narrows
 * to a signed-in subject ({@link WithPermission}).
 */
export function hasAllPermissions<S extends AuthSubject>(
  subject: S,
  permissions: readonly Permission[],
): subject is WithPermission<S> {
  if (holderOf(subject) === undefined) {
    return false;
  }
  const mine = permissionsOf(subject);
  return permissions.every((p) => mine.includes(p));
}
"#;

/// `is<Role>`: whether the subject is at least that role.
fn predicate(name: &str, v: &Variant) -> String {
    let lit = string_literal(&v.wire);
    let mut docs = vec![
        format!(
            "Whether `subject` is at least `{}` (`hasRole(subject, {lit})`); narrows its role claim",
            v.wire
        ),
        format!("to `RolesAtLeast[{lit}]`."),
    ];
    if !v.docs.is_empty() {
        docs.push(String::new());
        docs.extend(v.docs.iter().cloned());
    }
    let mut out = String::from("\n");
    out.push_str(&jsdoc(&docs, ""));
    let _ = writeln!(
        out,
        "export function {name}<S extends AuthSubject>(subject: S): subject is WithRole<S, {lit}> {{\n  return hasRole(subject, {lit});\n}}",
        lit = string_literal(&v.wire)
    );
    out
}

fn principal_members(rs: &[String], ro: &[String], ps: &[String], po: &[String]) -> String {
    let mut keys: Vec<String> = Vec::new();
    for k in rs.iter().chain(ro).chain(ps).chain(po) {
        push_unique(&mut keys, k);
    }
    if keys.is_empty() {
        // No principal carries a role or permissions; keep the type usable.
        keys.push("role".into());
        keys.push("permissions".into());
    }
    let mut out = String::new();
    for k in keys {
        let _ = writeln!(
            out,
            "  readonly {}?: unknown;",
            super::types::property_key(&k)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::predicate_name;

    #[test]
    fn predicate_names_are_pascal_case() {
        assert_eq!(predicate_name("Admin"), "isAdmin");
        assert_eq!(predicate_name("SuperAdmin"), "isSuperAdmin");
        assert_eq!(predicate_name("super_admin"), "isSuperAdmin");
        assert_eq!(predicate_name("SUPER_ADMIN"), "isSuperAdmin");
    }
}
