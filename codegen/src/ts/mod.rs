//! TypeScript emitters: `next-auth.d.ts` (v4 and v5) and `permissions.ts`.
//!
//! - `next-auth.d.ts` augments `next-auth` (`Session`, `User`), `next-auth/jwt` (`JWT`) and
//!   `next-auth/adapters` (`AdapterUser`), and for v5 with `[typescript] augment_core = true`
//!   also `@auth/core/types`, `@auth/core/jwt` and `@auth/core/adapters`. Values are typed as
//!   serde puts them on the wire (dates are ISO strings or numbers); the adapter user has the
//!   database's types (dates are `Date`). Members next-auth already declares are emitted only
//!   when they fit its declaration; a conflict is a [`Diagnostic`] naming the field and the
//!   base interface.
//! - `permissions.ts` is dependency-free: `ROLES`, `PERMISSIONS`, `Role`, `Permission`,
//!   `RolesAtLeast`, `isAuthenticated`, `hasRole` (at least that role), `hasPermission`,
//!   `hasAnyPermission`, `hasAllPermissions` and one `is<Role>` per role, with the semantics of
//!   `authgen_runtime::authz`. Every check is a type predicate: `if (isAdmin(session))` leaves a
//!   non-null session whose `user.role` is `"ADMIN"` (types `SignedIn`, `WithRole`,
//!   `WithPermission`). In v5, `next-auth.d.ts` imports each re-exported module it augments.
//!
//! - `schemas.ts` (with `[typescript] zod = true`): zod schemas of the same wire format, see
//!   [`Zod`].
//! - `trpc.ts` (with `[typescript] trpc = true`): tRPC procedures that check the session, see
//!   [`Trpc`].
//! - `guards.ts` (with `[typescript] next = true`): Next.js App Router guards, see [`Guards`].
//! - `revoke.ts` (with `[typescript] redis = true`): revocations on Redis for the runtime's
//!   `revoke::Revocations`, see [`Revoke`].
//!
//! Every file starts with one line holding [`GENERATED_MARK`], uses LF line endings and is
//! byte-for-byte deterministic.

mod dts;
mod guards;
mod permissions;
mod revoke;
mod trpc;
mod types;
mod zod;

pub use dts::Dts;
pub use guards::Guards;
pub use permissions::Permissions;
pub use revoke::Revoke;
pub use trpc::Trpc;
pub use zod::Zod;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::output::{OutputFile, GENERATED_MARK};

/// The declarations file's name inside `[typescript] out_dir`.
pub const DTS_FILE: &str = "next-auth.d.ts";
/// The helpers file's name inside `[typescript] out_dir`.
pub const PERMISSIONS_FILE: &str = "permissions.ts";

/// The zod schemas file's name inside `[typescript] out_dir` (with `[typescript] zod = true`).
pub const ZOD_FILE: &str = "schemas.ts";

/// The tRPC procedures file's name inside `[typescript] out_dir` (with `[typescript] trpc = true`).
pub const TRPC_FILE: &str = "trpc.ts";
/// The Next.js guards file's name inside `[typescript] out_dir` (with `[typescript] next = true`).
pub const GUARDS_FILE: &str = "guards.ts";
/// The Redis revocations file's name inside `[typescript] out_dir` (with `[typescript] redis =
/// true`).
pub const REVOKE_FILE: &str = "revoke.ts";

/// The first line of every generated TypeScript file.
pub fn header() -> String {
    format!("// {GENERATED_MARK} from the Rust model. Do not edit: run `authgen generate`.\n")
}

/// Renders the TypeScript files for `model` under `config.typescript`: the [`Dts`] and
/// [`Permissions`] outputs, with the errors of both.
///
/// ```
/// use authgen_codegen::{config::Config, frontend::check::check, model::Model, ts};
/// let files = ts::render(&check(Model::default()).unwrap(), &Config::default()).unwrap();
/// assert_eq!(files[0].path, std::path::Path::new("types/next-auth.d.ts"));
/// assert!(files[1].contents.contains("export function hasRole<"));
/// ```
pub fn render(model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    match (Dts.emit(model, config), Permissions.emit(model, config)) {
        (Ok(mut d), Ok(p)) => {
            d.extend(p);
            Ok(d)
        }
        (d, p) => {
            let mut errors = d.err().unwrap_or_default();
            errors.extend(p.err().unwrap_or_default());
            Err(errors)
        }
    }
}
