//! Development check of [`heard_trends::recover`] against a trendbench run's truth:
//! `recover_eval RUN_DIR [CATEGORY_LOG_ODDS SITE_LOG_ODDS]`. Reads the truth only to score.
use heard_trends::recover::{Recovery, RecoverySettings};
use std::collections::HashMap;
use std::fs::File;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let run = &args[0];
    let mut settings = RecoverySettings::default();
    if args.len() >= 3 {
        settings.category_log_odds = args[1].parse()?;
        settings.site_log_odds = args[2].parse()?;
    }
    let texts = heard_trends::replay::read_texts(File::open(format!("{run}/public/texts.csv"))?, "texts")?;
    let mut truth = HashMap::new();
    let mut r = csv::Reader::from_reader(File::open(format!("{run}/truth/truth_events.csv"))?);
    for rec in r.records() {
        let rec = rec?;
        truth.insert(rec[0].to_string(), (rec[1].to_string(), rec[2].to_string()));
    }
    let mut rec = Recovery::new(settings);
    let (mut wrong, mut moved, mut moved_right, mut wrong_fixed) = (0, 0, 0, 0);
    let (mut blank, mut filled, mut filled_right) = (0, 0, 0);
    let mut r = csv::Reader::from_reader(File::open(format!("{run}/public/stream.csv"))?);
    for row in r.records() {
        let row = row?;
        let (cat, site, id) = (&row[1], &row[2], &row[3]);
        let text = texts.get(id).map_or("", |s| s.as_str());
        let p = rec.place(text, cat, Some(site).filter(|s| !s.is_empty()));
        let (tc, ts) = &truth[id];
        if cat != tc {
            wrong += 1;
            if p.category == *tc {
                wrong_fixed += 1;
            }
        }
        if p.category_changed {
            moved += 1;
            if p.category == *tc {
                moved_right += 1;
            }
        }
        if site.is_empty() {
            blank += 1;
            if p.site_filled {
                filled += 1;
                if p.site.as_deref() == Some(ts.as_str()) {
                    filled_right += 1;
                }
            }
        }
    }
    println!(
        "category: {wrong} recorded wrong, {moved} moved ({moved_right} to the true one), {wrong_fixed} wrong ones fixed"
    );
    println!("site: {blank} blank, {filled} filled ({filled_right} correct)");
    Ok(())
}
