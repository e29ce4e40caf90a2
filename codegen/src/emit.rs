//! The one interface every output implements, and the registry of outputs.
//!
//! An output (`next-auth.d.ts`, `permissions.ts`, the SQL schema files, and later tRPC, guards,
//! zod, Prisma) is one module with one [`Emitter`]: it takes the [`Checked`] model, which has
//! passed every check, and returns the files it renders. Emitters do no I/O and never re-check
//! the model; an emitter reports only what its own output cannot express.
//!
//! Adding an output is adding a module with an `Emitter` and one line in [`emitters`].

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::frontend::check::Checked;
use crate::output::OutputFile;

/// One output (see [`emitters`] for an example).
pub trait Emitter {
    /// A short name for messages and for selecting outputs (`"next-auth.d.ts"`, `"sql"`).
    fn name(&self) -> &'static str;

    /// The files this output renders for `model` under `config`, or every reason it cannot.
    fn emit(&self, model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>>;
}

/// Every output `config` asks for, in the order their files are listed.
///
/// ```
/// use authgen_codegen::{config::Config, emit, frontend::check::check, model::Model};
/// let model = check(Model::default()).unwrap();
/// let config = Config::default();
/// let names: Vec<&str> = emit::emitters(&config).iter().map(|e| e.name()).collect();
/// assert_eq!(names, ["next-auth.d.ts", "permissions.ts", "sql"]);
/// let mut trpc = Config::default();
/// trpc.typescript.trpc = true;
/// let names: Vec<&str> = emit::emitters(&trpc).iter().map(|e| e.name()).collect();
/// assert_eq!(names, ["next-auth.d.ts", "permissions.ts", "trpc.ts", "sql"]);
/// let files = emit::emitters(&config)[1].emit(&model, &config).unwrap();
/// assert!(files[0].contents.contains("export function hasRole<"));
///
/// let mut config = Config::default();
/// config.typescript.zod = true;
/// let names: Vec<&str> = emit::emitters(&config).iter().map(|e| e.name()).collect();
/// assert_eq!(names, ["next-auth.d.ts", "permissions.ts", "schemas.ts", "sql"]);
///
/// config.prisma = Some(Default::default());
/// assert_eq!(emit::emitters(&config).last().unwrap().name(), "prisma");
///
/// let mut config = Config::default();
/// config.typescript.next = true;
/// let names: Vec<&str> = emit::emitters(&config).iter().map(|e| e.name()).collect();
/// assert_eq!(names, ["next-auth.d.ts", "permissions.ts", "guards.ts", "sql"]);
///
/// let mut config = Config::default();
/// config.typescript.redis = true;
/// let names: Vec<&str> = emit::emitters(&config).iter().map(|e| e.name()).collect();
/// assert_eq!(names, ["next-auth.d.ts", "permissions.ts", "revoke.ts", "sql"]);
/// ```
pub fn emitters(config: &Config) -> Vec<Box<dyn Emitter>> {
    let mut out: Vec<Box<dyn Emitter>> =
        vec![Box::new(crate::ts::Dts), Box::new(crate::ts::Permissions)];
    if config.typescript.zod {
        out.push(Box::new(crate::ts::Zod));
    }
    if config.typescript.trpc {
        out.push(Box::new(crate::ts::Trpc));
    }
    if config.typescript.next {
        out.push(Box::new(crate::ts::Guards));
    }
    if config.typescript.redis {
        out.push(Box::new(crate::ts::Revoke));
    }
    out.push(Box::new(crate::sql::SqlSchemas));
    if config.prisma.is_some() {
        out.push(Box::new(crate::prisma::PrismaSchema));
    }
    out
}
