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
//! The file does not depend on the model: every role and permission type comes from
//! `./permissions`. Only the middleware helper differs between next-auth majors.

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

    fn emit(&self, _model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let mut contents = super::header();
        contents.push_str(COMMON);
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
