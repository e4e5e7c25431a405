//! `heard calendar`: the output outside checks read, and the errors a typo gets.

use std::process::Command;

fn heard(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heard"))
        .arg("calendar")
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("HEARD_CONFIG")
        .env_remove("HEARD_DATA_DIR")
        .output()
        .expect("run heard");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn add_working_days_prints_one_date() {
    for (region, date, n, want) in [
        ("england-and-wales", "2024-05-03", "1", "2024-05-07"),
        ("england-and-wales", "2021-12-24", "1", "2021-12-29"),
        ("scotland", "2021-12-31", "1", "2022-01-05"),
        ("northern-ireland", "2025-07-11", "1", "2025-07-15"),
        ("england-and-wales", "2024-12-19", "5", "2024-12-30"),
        ("scotland", "2024-05-11", "0", "2024-05-11"),
        ("scotland", "2024-05-11", "1", "2024-05-13"),
    ] {
        let (ok, stdout, stderr) = heard(&["add-working-days", "--region", region, date, n]);
        assert!(ok, "{region} {date} {n}: {stderr}");
        assert_eq!(stdout, format!("{want}\n"), "{region} {date} {n}");
    }
}

#[test]
fn holidays_lists_the_year_tab_separated() {
    let (ok, stdout, stderr) = heard(&["holidays", "--region", "scotland", "2022"]);
    assert!(ok, "{stderr}");
    let want = [
        "2022-01-03\tNew Year’s Day (substitute day)",
        "2022-01-04\t2nd January (substitute day)",
        "2022-04-15\tGood Friday",
        "2022-05-02\tEarly May bank holiday",
        "2022-06-02\tSpring bank holiday",
        "2022-06-03\tPlatinum Jubilee bank holiday",
        "2022-08-01\tSummer bank holiday",
        "2022-09-19\tBank Holiday for the State Funeral of Queen Elizabeth II",
        "2022-11-30\tSt Andrew’s Day",
        "2022-12-26\tBoxing Day",
        "2022-12-27\tChristmas Day (substitute day)",
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), want);

    let (ok, stdout, _) = heard(&["holidays", "--region", "northern-ireland", "2025"]);
    assert!(ok);
    assert_eq!(stdout.lines().count(), 10);
    assert!(stdout.contains("2025-07-14\tBattle of the Boyne (Orangemen’s Day) (substitute day)\n"));
}

#[test]
fn bad_input_names_the_argument() {
    for (args, needle) in [
        (
            vec!["add-working-days", "--region", "wales", "2024-05-03", "1"],
            "--region",
        ),
        (
            vec!["add-working-days", "--region", "scotland", "2024-02-30", "1"],
            "<DATE>",
        ),
        (
            vec!["add-working-days", "--region", "scotland", "3/5/2024", "1"],
            "<DATE>",
        ),
        (
            vec!["add-working-days", "--region", "scotland", "1999-01-04", "1"],
            "<DATE>",
        ),
        (
            vec!["add-working-days", "--region", "scotland", "2024-05-03", "-3"],
            "<N>",
        ),
        (
            vec!["add-working-days", "--region", "scotland", "2024-05-03", "99999999"],
            "<N>",
        ),
        (
            vec!["add-working-days", "--region", "scotland", "2024-05-03", "two"],
            "<N>",
        ),
        (vec!["holidays", "--region", "scotland", "1800"], "<YEAR>"),
        (vec!["holidays", "--region", "England", "2024"], "--region"),
    ] {
        let (ok, stdout, stderr) = heard(&args);
        assert!(!ok, "{args:?} should fail");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    let (_, _, stderr) = heard(&["holidays", "--region", "wales", "2024"]);
    assert!(
        stderr.contains("england-and-wales, scotland, northern-ireland"),
        "{stderr}"
    );
    // A deadline running past the last supported year is refused, not guessed.
    let (ok, _, stderr) = heard(&["add-working-days", "--region", "scotland", "2099-12-01", "100"]);
    assert!(!ok);
    assert!(stderr.contains("2100"), "{stderr}");
}
