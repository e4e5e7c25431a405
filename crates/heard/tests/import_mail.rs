//! `heard import mail`: the contract outside checks rely on (see the issue): exit 0 when
//! every input was stored or already present; `--json` prints exactly
//! `{"imported": N, "already_present": M, "rejected": [{"path", "reason"}]}`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../heard-channels/tests/fixtures")
}

fn heard(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_heard"));
    c.arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "error")
        .env_remove("HEARD_CONFIG")
        .env_remove("HEARD_DATA_DIR");
    c
}

const CONFIG: &str = r#"
[limits]
max_attachment_mb = 1

[email]
max_message_mb = 2

[[email.mailboxes]]
address = "revsbens@council.example"
service = "revenues-and-benefits"

[[services]]
slug = "customer-services"
name = "Customer Services"

[[services]]
slug = "revenues-and-benefits"
name = "Revenues and Benefits"
"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("heard.toml"), CONFIG).unwrap();
    let out = heard(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn import_json(data: &Path, paths: &[PathBuf]) -> (bool, serde_json::Value) {
    let out = heard(data)
        .args(["import", "mail", "--json"])
        .args(paths)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "one JSON object on stdout ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), v)
}

fn message(n: usize, message_id: &str) -> String {
    format!(
        "From: Resident {n} <resident{n}@example.org>\nTo: revsbens@council.example\nSubject: Council tax question {n}\n\
         Date: Mon, 02 Nov 2026 09:{:02}:00 +0000\nMessage-ID: <{message_id}>\n\nFrom now on please write to me at home.\n",
        n % 60
    )
}

#[test]
fn files_mbox_and_maildir_import_once() {
    let data = setup();
    let input = tempfile::tempdir().unwrap();
    // An mbox of three messages, one repeating another's Message-ID, with a `>From` line.
    let mbox = input.path().join("archive.mbox");
    let mut text = String::new();
    for (n, id) in [(1, "m1@example.org"), (2, "m2@example.org"), (3, "m1@example.org")] {
        text.push_str(&format!("From resident{n}@example.org Mon Nov  2 09:00:00 2026\n"));
        text.push_str(&message(n, id).replace("\nFrom now", "\n>From now"));
        text.push('\n');
    }
    std::fs::write(&mbox, text).unwrap();
    // A Maildir with one new and one seen message.
    let maildir = input.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    std::fs::write(maildir.join("new/1700000000.1.host"), message(4, "m4@example.org")).unwrap();
    std::fs::write(maildir.join("cur/1700000001.2.host:2,S"), message(5, "m5@example.org")).unwrap();
    // A folder of .eml files, walked.
    let folder = input.path().join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    for f in [
        "plain.eml",
        "nested.eml",
        "malformed.eml",
        "autoreply.eml",
        "bounce-dsn.eml",
        "encoded.eml",
    ] {
        std::fs::copy(fixtures().join(f), folder.join(f)).unwrap();
    }
    let paths = [mbox.clone(), maildir.clone(), folder.clone()];
    let (ok, v) = import_json(data.path(), &paths);
    assert!(ok, "{v}");
    assert_eq!(
        v,
        serde_json::json!({"imported": 10, "already_present": 1, "rejected": []})
    );
    // Again: everything is already there.
    let (ok, v) = import_json(data.path(), &paths);
    assert!(ok, "{v}");
    assert_eq!(
        v,
        serde_json::json!({"imported": 0, "already_present": 11, "rejected": []})
    );
    // The readable summary.
    let out = heard(data.path())
        .args(["import", "mail"])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("imported 0 message(s)") && text.contains("6 already present"),
        "{text}"
    );
}

#[test]
fn what_is_not_a_message_or_too_large_is_rejected_with_a_reason() {
    let data = setup();
    let input = tempfile::tempdir().unwrap();
    let huge_attachment = input.path().join("huge-attachment.eml");
    std::fs::write(
        &huge_attachment,
        format!(
            "From: a@example.org\nSubject: photos\nMessage-ID: <huge@example.org>\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\n\
             Content-Type: image/jpeg\nContent-Disposition: attachment; filename=big.jpg\nContent-Transfer-Encoding: base64\n\n{}\n--b--\n",
            "/9j/".repeat(350_000)
        ),
    )
    .unwrap();
    let too_big = input.path().join("too-big.eml");
    std::fs::write(
        &too_big,
        format!("From: a@example.org\nSubject: x\n\n{}", "x".repeat(3 << 20)),
    )
    .unwrap();
    let missing = input.path().join("missing.eml");
    let paths = [
        fixtures().join("not-a-message.txt"),
        huge_attachment,
        too_big.clone(),
        missing.clone(),
    ];
    let (ok, v) = import_json(data.path(), &paths);
    assert!(!ok, "a rejected input makes the exit status non-zero");
    assert_eq!(
        v["imported"], 1,
        "an attachment over the limit stays in the raw message: {v}"
    );
    assert_eq!(v["already_present"], 0);
    let rejected = v["rejected"].as_array().unwrap();
    let reason = |p: &Path| {
        rejected
            .iter()
            .find(|r| r["path"] == p.display().to_string())
            .map(|r| r["reason"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{} not rejected: {v}", p.display()))
    };
    assert!(reason(&fixtures().join("not-a-message.txt")).contains("not an email message"));
    assert!(reason(&too_big).contains("over the 2097152-byte limit"));
    assert!(reason(&missing).contains("cannot read"));
    assert_eq!(rejected.len(), 3);
}
