//! Real mail servers for tests: started on a free loopback port, stopped (by their own
//! pid) when dropped. When one cannot be run the test is skipped with a message, unless
//! `HEARD_REQUIRE_MAIL_SERVERS=1` (CI), when it fails.

#![allow(dead_code)] // each test file uses part of this

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server process, killed on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Skips (returns false) or, when servers are required, fails.
pub fn unavailable(what: &str) -> bool {
    if std::env::var("HEARD_REQUIRE_MAIL_SERVERS").is_ok_and(|v| v == "1") {
        panic!("HEARD_REQUIRE_MAIL_SERVERS=1 but {what}");
    }
    eprintln!("skipping: {what} (set HEARD_REQUIRE_MAIL_SERVERS=1 to make this a failure)");
    false
}

/// Waits until `port` accepts connections.
pub fn wait_for(port: u16, child: &mut Child) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited before listening: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `python3 -m aiosmtpd` on `port`, delivering into the Maildir `dir`; None when absent.
pub fn aiosmtpd(port: u16, dir: &std::path::Path) -> Option<Server> {
    let have = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        unavailable("python3 with aiosmtpd is not installed (pip install aiosmtpd)");
        return None;
    }
    let mut child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    wait_for(port, &mut child);
    Some(Server { child, port })
}
