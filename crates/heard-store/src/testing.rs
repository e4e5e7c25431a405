//! Test harness: a fresh database per test, on either engine.
//!
//! SQLite: a file in a temporary folder. PostgreSQL: a new database per test, on the
//! server named by `HEARD_TEST_DATABASE_URL`, or else on a throwaway cluster this
//! harness starts once per test process with the machine's `initdb`/`pg_ctl` (as the
//! `postgres` user when running as root). When neither is possible the PostgreSQL half
//! of a test is skipped — unless `HEARD_REQUIRE_POSTGRES=1`, when it fails loudly.

use crate::{Store, StoreOptions};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A database made for one test. Dropping it removes it.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    /// A fresh SQLite database file.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder for a test database");
        let url = format!("sqlite://{}", dir.path().join("heard.db").display());
        TestDb {
            url,
            _dir: Some(dir),
            pg_drop: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` when no PostgreSQL is available and it is
    /// not required.
    pub async fn postgres() -> Option<TestDb> {
        let server = match pg_server() {
            Ok(url) => url.clone(),
            Err(why) => {
                if std::env::var("HEARD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                    panic!("HEARD_REQUIRE_POSTGRES=1 but no PostgreSQL for tests: {why}");
                }
                eprintln!("skipping the PostgreSQL half of this test: {why}");
                return None;
            }
        };
        let name = format!("heard_t_{}", crate::users::new_secret("").get(..16).unwrap_or("x"));
        let admin = sqlx::PgPool::connect(&server)
            .await
            .expect("connect to the test PostgreSQL server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("create a test database");
        admin.close().await;
        let url = with_database(&server, &name);
        Some(TestDb {
            url,
            _dir: None,
            pg_drop: Some((server, name)),
        })
    }

    /// Opens and migrates the database.
    pub async fn store(&self) -> Store {
        let store = Store::open(
            &self.url,
            &StoreOptions {
                sqlite_fsync_each_commit: false,
                ..Default::default()
            },
        )
        .await
        .expect("open test store");
        store.migrate().await.expect("migrate test store");
        store
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = self.pg_drop.take() {
            // Drop runs outside any runtime we may use: give the cleanup its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let admin = sqlx::PgPool::connect(&server).await.ok()?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&admin)
                    .await
                    .ok()
                })
            })
            .join();
        }
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// The server URL tests create their databases on.
fn pg_server() -> &'static Result<String, String> {
    static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var("HEARD_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Ok(url),
        _ => start_cluster(),
    })
}

fn find_pg_bin(name: &str) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .collect();
    candidates.sort();
    candidates.reverse(); // newest version first
    candidates.push(PathBuf::from("/usr/local/bin").join(name));
    candidates.push(PathBuf::from("/usr/bin").join(name));
    candidates.into_iter().find(|p| p.exists())
}

/// Starts a throwaway cluster for this test process; a watchdog stops it when the
/// process ends, however it ends.
fn start_cluster() -> Result<String, String> {
    let initdb = find_pg_bin("initdb").ok_or("no initdb found (install Debian's postgresql)")?;
    let pg_ctl = find_pg_bin("pg_ctl").ok_or("no pg_ctl found")?;
    let dir = std::env::temp_dir().join(format!("heard-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false);
    if as_root {
        run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir))?;
    }
    let run_pg = |bin: &Path| {
        let mut c = if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(bin);
            c
        } else {
            Command::new(bin)
        };
        c.env_remove("PGDATA");
        c
    };
    let data = dir.join("data");
    run(run_pg(&initdb).arg("-D").arg(&data).args([
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    ]))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("pick a port: {e}"))?
        .port();
    let opts = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        dir.display()
    );
    run(run_pg(&pg_ctl)
        .arg("-D")
        .arg(&data)
        .args(["-w", "-o", &opts, "-l"])
        .arg(dir.join("log"))
        .arg("start"))?;
    // Watchdog: stops the cluster once this process is gone.
    let stop = format!(
        "while [ -d /proc/{pid} ]; do sleep 1; done; {ctl} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        ctl = pg_ctl.display(),
        data = data.display(),
        dir = dir.display()
    );
    let mut watchdog = run_pg(Path::new("/bin/sh"));
    watchdog
        .args(["-c", &stop])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    watchdog
        .spawn()
        .map_err(|e| format!("start the cluster watchdog: {e}"))?;
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_replace_the_path() {
        assert_eq!(
            super::with_database("postgres://u@h:5/test?sslmode=disable", "x"),
            "postgres://u@h:5/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
