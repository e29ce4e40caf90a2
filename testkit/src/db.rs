//! The real databases: a fresh database per test on the machine's PostgreSQL and MariaDB, and
//! SQLite files in a scratch directory.
//!
//! Servers are addressed by `AUTHGEN_TEST_PG_URL` (default `postgres://root@127.0.0.1:5432/postgres`)
//! and `AUTHGEN_TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`): the administrative
//! connection that creates and drops the per-test database.

use sqlx::Connection;

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
}

/// A database made for one test and dropped when this value is dropped.
#[derive(Debug)]
pub struct TempDb {
    server: Server,
    admin_url: String,
    name: String,
    url: String,
}

fn admin_url(server: Server) -> String {
    match server {
        Server::Postgres => std::env::var("AUTHGEN_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/postgres".into()),
        Server::MySql => std::env::var("AUTHGEN_TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into()),
    }
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..path_start], db);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TempDb {
    /// Creates `authgen_<label>_<random>` on `server`. Panics, naming the server and URL, when the
    /// server cannot be reached: a test that needs a database never passes without one.
    pub async fn new(server: Server, label: &str) -> TempDb {
        let admin_url = admin_url(server);
        let label: String = label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(20)
            .collect();
        let name = format!(
            "authgen_{}_{}",
            label.to_ascii_lowercase(),
            crate::random_suffix(10)
        );
        let sql = match server {
            Server::Postgres => format!("CREATE DATABASE \"{name}\""),
            Server::MySql => {
                format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            }
        };
        admin_exec(server, &admin_url, &sql).await;
        let url = with_database(&admin_url, &name);
        TempDb {
            server,
            admin_url,
            name,
            url,
        }
    }

    /// The connection URL of the new database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server it lives on.
    pub fn server(&self) -> Server {
        self.server
    }
}

async fn admin_exec(server: Server, url: &str, sql: &str) {
    let fail = |e: sqlx::Error| -> ! {
        panic!(
            "cannot reach {server:?} at {url}: {e}. The test suite needs the machine's PostgreSQL and MariaDB \
             (see README: `.ci/run` starts them)"
        )
    };
    match server {
        Server::Postgres => {
            let mut c = sqlx::PgConnection::connect(url)
                .await
                .unwrap_or_else(|e| fail(e));
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut c)
                .await
                .unwrap_or_else(|e| fail(e));
            let _ = c.close().await;
        }
        Server::MySql => {
            let mut c = sqlx::MySqlConnection::connect(url)
                .await
                .unwrap_or_else(|e| fail(e));
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut c)
                .await
                .unwrap_or_else(|e| fail(e));
            let _ = c.close().await;
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let (server, admin, name) = (self.server, self.admin_url.clone(), self.name.clone());
        // Dropping runs on its own thread and runtime: Drop cannot be async, and the test's
        // runtime may be shutting down.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let sql = match server {
                    Server::Postgres => format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                    Server::MySql => format!("DROP DATABASE IF EXISTS `{name}`"),
                };
                admin_exec(server, &admin, &sql).await;
            })
        })
        .join();
    }
}

/// A path for a new SQLite database file in a scratch directory, and its `sqlite:` URL (created
/// on first connect).
pub fn sqlite_file(label: &str) -> (std::path::PathBuf, String) {
    let dir = crate::scratch_dir(label);
    let path = dir.join("db.sqlite");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    (path, url)
}
