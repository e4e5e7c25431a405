//! `heard customers link|dedupe`: the CSV contract, on small lists written here.

use std::path::PathBuf;
use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heard"))
        .env("RUST_LOG", "warn")
        .env_remove("HEARD_CONFIG")
        .env_remove("HEARD_DATA_DIR")
        .args(args)
        .output()
        .expect("run heard");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("heard-customers-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const GIVEN: &[&str] = &[
    "amy", "ben", "carl", "dina", "eve", "fred", "gina", "hugo", "ivy", "jack", "kim", "liam",
];
const SURNAME: &[&str] = &[
    "birt", "prosser", "vaughan", "hemming", "jeynes", "tuffley", "okafor", "nowak",
];

/// A FEBRL-shaped list: `n` people; with `dups`, every third person again with a typo.
fn febrl(n: usize, offset: usize, dups: bool) -> String {
    let mut s = String::from(
        "rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id\n",
    );
    for i in offset..offset + n {
        let g = GIVEN[i % GIVEN.len()];
        let sn = SURNAME[(i / GIVEN.len()) % SURNAME.len()];
        let row = |id: String, g: &str| {
            format!(
                "{id},{g},{sn},{},{} street,,town{},{},nsw,19{:02}0{}1{},{}\n",
                i % 90 + 1,
                SURNAME[i % 8],
                i % 5,
                2000 + i,
                i % 90 + 10,
                i % 9 + 1,
                i % 9,
                1_000_000 + i
            )
        };
        s.push_str(&row(format!("a{i}"), g));
        if dups && i % 3 == 0 {
            s.push_str(&row(format!("b{i}"), &format!("{g}e")));
        }
    }
    s
}

#[test]
fn dedupe_writes_scored_pairs_best_first() {
    let d = Dir::new("dedupe");
    let input = d.write("in.csv", &febrl(120, 0, true));
    let out = d.path("pairs.csv");
    let (ok, _, err) = run(&["customers", "dedupe", "--input", &input, "--output", &out]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("left_id,right_id,score"));
    let rows: Vec<(String, String, f64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[2].parse().unwrap())
        })
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.windows(2).all(|w| w[0].2 >= w[1].2), "sorted by score");
    assert!(rows.iter().all(|r| (0.0..=1.0).contains(&r.2)));
    let top: Vec<&(String, String, f64)> = rows.iter().filter(|r| r.2 >= 0.5).collect();
    assert!(!top.is_empty());
    for (a, b, _) in &top {
        assert_eq!(a[1..], b[1..], "{a} {b}");
    }
}

#[test]
fn link_with_mapped_columns_and_reasons() {
    let d = Dir::new("link");
    let left = d.write("a.csv", &febrl(60, 0, false).replace("rec_id", "ref"));
    let right = d.write(
        "b.csv",
        &febrl(60, 30, false).replace("rec_id", "ref").replace(",a", ",r"),
    );
    let out = d.path("pairs.csv");
    let (ok, _, err) = run(&[
        "customers",
        "link",
        "--left",
        &left,
        "--right",
        &right,
        "--output",
        &out,
        "--columns",
        "id=ref",
        "--reasons",
    ]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("left_id,right_id,score,reasons\n"));
    let first = text.lines().nth(1).expect("a pair");
    assert!(first.starts_with('a'), "{first}");
    assert!(first.contains("given_name: same"), "{first}");
}

#[test]
fn bad_csv_names_the_line() {
    let d = Dir::new("bad");
    let input = d.write("in.csv", "rec_id,given_name,surname\nr1,ann,birt\nr2,tom\n");
    let (ok, _, err) = run(&["customers", "dedupe", "--input", &input, "--output", &d.path("o.csv")]);
    assert!(!ok);
    assert!(err.contains("line 3"), "{err}");
    let input = d.write("noid.csv", "who,given_name\n1,ann\n");
    let (ok, _, err) = run(&["customers", "dedupe", "--input", &input, "--output", &d.path("o.csv")]);
    assert!(!ok);
    assert!(err.contains("id"), "{err}");
}
