//! `guards.ts`: Next.js App Router guards over next-auth sessions (`[typescript] next = true`).
//!
//! `createGuards(getSession, options?)` (v5 `auth`, or v4 `() => getServerSession(authOptions)`)
//! returns `requireSession`, `requireRole`, `requirePermission`, `requireAnyPermission` and
//! `requireAllPermissions` for Server Components and Server Actions (each returns the session
//! narrowed by the matching predicate of `permissions.ts`; on failure `unauthorized()` /
//! `forbidden()` from `next/navigation`, a `redirect()`, or a thrown `AuthGuardError`, as the
//! options say: by default a signed-out user is redirected to `/api/auth/signin` and a forbidden
//! one gets an `AuthGuardError`), and `withSession`, `withRole`, `withPermission` for Route
//! Handlers (401 / 403 with the JSON body of the Rust runtime, else the handler gets the
//! narrowed `ctx.session`). `RouteRules`, `ruleFor` and `checkRoute` decide route rules by role;
//! `routeGuard(rules)` wraps them for v5 `auth((req) => …)` middleware or, on v4, as the
//! arguments of `withAuth`.
//!
//! The code does not depend on the model: every role and permission type comes from
//! `./permissions`. Only the middleware helper differs between next-auth majors, and only two
//! comments differ between models: a role enum's `requireRole(R)` / `withRole(R)` accept `R` or
//! a role above it, a free-form string role's accept exactly `R` (it has no hierarchy).

use crate::config::{Config, NextAuth};
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::output::OutputFile;

/// What both next-auth majors share.
const COMMON: &str = include_str!("guards/common.ts");
/// `routeGuard` for v4's `withAuth`.
const V4: &str = include_str!("guards/v4.ts");
/// `routeGuard` for v5's `auth(…)` middleware.
const V5: &str = include_str!("guards/v5.ts");

/// The comments of `requireRole` and `withRole` for a role enum: the role or one above it.
const ENUM_ROLE_DOCS: [&str; 2] = [
    "/** The session with `role` or above (`user.role` narrowed); else the options. */",
    "/** A Route Handler answering 401 when signed out, 403 without `role` or above. */",
];
/// The same for a free-form string role: exactly that role (no hierarchy, no case folding).
const FREE_FORM_ROLE_DOCS: [&str; 2] = [
    "/** The session whose role is exactly `role` (`user.role` narrowed); else the options. */",
    "/** A Route Handler answering 401 when signed out, 403 unless the role is exactly `role`. */",
];

/// The `guards.ts` output (with `[typescript] next = true`).
///
/// ```
/// use authgen_codegen::{config::{Config, NextAuth}, emit::Emitter, frontend::check::check};
/// use authgen_codegen::{model::Model, ts::Guards};
/// let model = check(Model::default()).unwrap();
/// let files = Guards.emit(&model, &Config::default()).unwrap();
/// assert_eq!(files[0].path, std::path::Path::new("types/guards.ts"));
/// assert!(files[0].contents.contains("export function createGuards("));
/// assert!(files[0].contents.contains("readonly auth: MaybeSession"));
/// let v4 = Config { next_auth: NextAuth::V4, ..Config::default() };
/// assert!(Guards.emit(&model, &v4).unwrap()[0].contents.contains("nextauth: { readonly token: Token }"));
/// ```
pub struct Guards;

impl Emitter for Guards {
    fn name(&self) -> &'static str {
        super::GUARDS_FILE
    }

    fn emit(&self, model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let [require_role, with_role] = if model.has_free_form_role() {
            FREE_FORM_ROLE_DOCS
        } else {
            ENUM_ROLE_DOCS
        };
        let mut contents = super::header();
        contents.push_str(
            &COMMON
                .replace("$REQUIRE_ROLE_DOC", require_role)
                .replace("$WITH_ROLE_DOC", with_role),
        );
        contents.push_str(match config.next_auth {
            NextAuth::V4 => V4,
            NextAuth::V5 => V5,
        });
        Ok(vec![OutputFile {
            path: config.typescript.out_dir.join(super::GUARDS_FILE),
            contents,
        }])
    }
}
