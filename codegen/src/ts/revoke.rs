//! `revoke.ts`: revocations on Redis for the TypeScript side (`[typescript] redis = true`).
//!
//! `revokeUser(client, userId, options?)`, `revokeToken(client, jti, exp)` and
//! `revokeSession(client, sessionToken)` write exactly the keys and messages the runtime's
//! `revoke::Revocations` reads: the prefixes, the channel and the two lifetimes come from
//! [`authgen_naming::revoke`], the runtime's own source. The client is node-redis 5 (`redis`) or
//! ioredis 5: their `multi().set(…)` differ, so the file declares the small shape of each that
//! it uses and tells them apart by ioredis's `call`.
//!
//! The file does not depend on the model nor on the next-auth major.

use authgen_naming::revoke::{
    CHANNEL, DEFAULT_USER_KEY_TTL, TOKEN_KEY_GRACE, TOKEN_KEY_PREFIX, USER_KEY_PREFIX,
};

use super::types::string_literal;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::emit::Emitter;
use crate::frontend::check::Checked;
use crate::output::OutputFile;

/// The module comment and the imports.
const HEAD: &str = include_str!("revoke/head.ts");
/// Everything after the constants.
const BODY: &str = include_str!("revoke/body.ts");

/// The `revoke.ts` output (with `[typescript] redis = true`).
///
/// ```
/// use authgen_codegen::{config::Config, emit::Emitter, frontend::check::check};
/// use authgen_codegen::{model::Model, ts::Revoke};
/// let model = check(Model::default()).unwrap();
/// let files = Revoke.emit(&model, &Config::default()).unwrap();
/// assert_eq!(files[0].path, std::path::Path::new("types/revoke.ts"));
/// let ts = &files[0].contents;
/// assert!(ts.contains("export const USER_KEY_PREFIX = \"authgen:revoked:user:\";"));
/// assert!(ts.contains("export async function revokeSession("));
/// ```
pub struct Revoke;

impl Emitter for Revoke {
    fn name(&self) -> &'static str {
        super::REVOKE_FILE
    }

    fn emit(&self, _model: &Checked, config: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let mut contents = super::header();
        contents.push_str(HEAD);
        contents.push_str(&constants());
        contents.push_str(BODY);
        Ok(vec![OutputFile {
            path: config.typescript.out_dir.join(super::REVOKE_FILE),
            contents,
        }])
    }
}

/// The key layout as TypeScript constants, from `authgen_naming::revoke`.
fn constants() -> String {
    let string = |doc: &str, name: &str, value: &str| {
        format!(
            "/** {doc} */\nexport const {name} = {};\n",
            string_literal(value)
        )
    };
    let secs = |doc: &str, name: &str, value: u64| {
        format!("/** {doc} */\nexport const {name} = {value};\n")
    };
    [
        string(
            "The prefix of a user's revocation key: the key is the prefix and the user id.",
            "USER_KEY_PREFIX",
            USER_KEY_PREFIX,
        ),
        string(
            "The prefix of a token id's revocation key: the key is the prefix and the `jti`.",
            "TOKEN_KEY_PREFIX",
            TOKEN_KEY_PREFIX,
        ),
        string(
            "The pub/sub channel of revocation messages.",
            "CHANNEL",
            CHANNEL,
        ),
        secs(
            "How long a user key lives after its cutoff by default, seconds: next-auth's default `maxAge`.",
            "DEFAULT_USER_KEY_TTL_SECONDS",
            DEFAULT_USER_KEY_TTL.as_secs(),
        ),
        secs(
            "How long a token-id key outlives the token's `exp`, seconds.",
            "TOKEN_KEY_GRACE_SECONDS",
            TOKEN_KEY_GRACE.as_secs(),
        ),
    ]
    .concat()
}
