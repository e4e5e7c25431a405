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
    aiosmtpd_with(port, dir, None)
}

/// [`aiosmtpd`], requiring STARTTLS with the given certificate and key (PEM) when given.
pub fn aiosmtpd_with(
    port: u16,
    dir: &std::path::Path,
    tls: Option<(&std::path::Path, &std::path::Path)>,
) -> Option<Server> {
    let have = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        unavailable("python3 with aiosmtpd is not installed (pip install aiosmtpd)");
        return None;
    }
    let mut args = vec![
        "-m".to_string(),
        "aiosmtpd".into(),
        "-n".into(),
        "-l".into(),
        format!("127.0.0.1:{port}"),
    ];
    if let Some((cert, key)) = tls {
        args.extend([
            "--tlscert".into(),
            cert.display().to_string(),
            "--tlskey".into(),
            key.display().to_string(),
        ]);
    }
    args.extend([
        "-c".into(),
        "aiosmtpd.handlers.Mailbox".into(),
        dir.display().to_string(),
    ]);
    let mut child = Command::new("python3")
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    wait_for(port, &mut child);
    Some(Server { child, port })
}

/// Dovecot (Debian's `dovecot-imapd`) on `port`, configured in `dir`, with the users
/// `users` (password `secret`), plain IMAP on loopback. None when Dovecot is absent.
///
/// Dovecot's login process refuses to run as root: as root, logins run as `dovenull` and
/// mail is stored as the `dovecot` user (both made by the package); otherwise everything
/// runs as the current user.
pub fn dovecot(port: u16, dir: &std::path::Path, users: &[&str]) -> Option<Server> {
    dovecot_with(port, dir, users, None)
}

/// [`dovecot`], with implicit TLS (IMAPS) on `port` when given a certificate and key (PEM).
pub fn dovecot_with(
    port: u16,
    dir: &std::path::Path,
    users: &[&str],
    tls: Option<(&std::path::Path, &std::path::Path)>,
) -> Option<Server> {
    use std::os::unix::fs::PermissionsExt;
    let binary = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(binary) = binary else {
        unavailable("Dovecot is not installed (apt-get install dovecot-imapd)");
        return None;
    };
    let id = |args: &[&str]| {
        let out = Command::new("id").args(args).output().expect("id");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let root = id(&["-u"]) == "0";
    let (login_user, internal_user, internal_group, mail_uid, mail_gid) = if root {
        (
            "dovenull".to_string(),
            "dovecot".to_string(),
            "dovecot".to_string(),
            id(&["-u", "dovecot"]),
            id(&["-g", "dovecot"]),
        )
    } else {
        (id(&["-un"]), id(&["-un"]), id(&["-gn"]), id(&["-u"]), id(&["-g"]))
    };
    std::fs::create_dir_all(dir.join("mail")).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    if root {
        let status = Command::new("chown")
            .arg(format!("{mail_uid}:{mail_gid}"))
            .arg(dir.join("mail"))
            .status();
        assert!(status.is_ok_and(|s| s.success()), "chown the test mail folder");
    }
    let passwd: String = users.iter().map(|u| format!("{u}:{{PLAIN}}secret::::::\n")).collect();
    std::fs::write(dir.join("passwd"), passwd).unwrap();
    let d = dir.display();
    let (ssl, imap_port, imaps_port) = match tls {
        Some((cert, key)) => (
            format!(
                "ssl = required\nssl_cert = <{}\nssl_key = <{}\n",
                cert.display(),
                key.display()
            ),
            0,
            port,
        ),
        None => ("ssl = no\n".to_string(), port, 0),
    };
    let conf = format!(
        "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
         {ssl}disable_plaintext_auth = no\nauth_mechanisms = plain login\nfirst_valid_uid = 0\n\
         default_internal_user = {internal_user}\ndefault_internal_group = {internal_group}\ndefault_login_user = {login_user}\n\
         passdb {{\n  driver = passwd-file\n  args = {d}/passwd\n}}\n\
         userdb {{\n  driver = static\n  args = uid={mail_uid} gid={mail_gid} home={d}/mail/%u\n}}\n\
         mail_location = maildir:~/Maildir\n\
         service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {imap_port}\n  }}\n  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {imaps_port}\n  }}\n}}\n\
         service anvil {{\n  chroot =\n}}\n"
    );
    std::fs::write(dir.join("dovecot.conf"), conf).unwrap();
    let mut child = Command::new(binary)
        .args(["-F", "-c"])
        .arg(dir.join("dovecot.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dovecot");
    wait_for(port, &mut child);
    Some(Server { child, port })
}

/// A council CA and a server certificate for 127.0.0.1 signed by it, made with openssl in
/// `dir`: (ca.pem, cert.pem, key.pem). None (after `unavailable`) when openssl fails.
pub fn test_certificates(
    dir: &std::path::Path,
) -> Option<(std::path::PathBuf, std::path::PathBuf, std::path::PathBuf)> {
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let made = openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Council CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]) && openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ]) && openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]);
    if !made {
        unavailable("openssl could not make test certificates");
        return None;
    }
    Some((dir.join("ca.pem"), dir.join("cert.pem"), dir.join("key.pem")))
}
