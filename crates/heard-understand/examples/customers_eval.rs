//! Measures the customer matcher on a generated council customer list (see
//! `customers::synth`): pairwise F1 at a threshold and at the best threshold, and false
//! merges of twins, parents and children of one name, household members, landlords and
//! namesakes.
//!
//! cargo run --release -p heard-understand --example customers_eval -- --seed 2027 [--households 2000]
//!     [--threshold 0.5] [--write DIR]
//!
//! `--write DIR` also writes `list.csv` and `truth.csv` (record-id pairs) for other tools.
//! `--files LEFT [RIGHT] OUTPUT` links or de-duplicates CSV files as `heard customers` does
//! (for measuring the engine while the `heard` binary does not build).
//!
//! Development aids, on standard error: `CUSTOMERS_EVAL_MODEL=1` prints m, h and u;
//! `CUSTOMERS_EVAL_MISSES=1` groups missed pairs and false merges by comparison pattern and
//! prints calibration by score and by pattern; `CUSTOMERS_EVAL_TRUE=1` prints the level
//! shares among true pairs and the true pairs blocking never compares.

use heard_understand::customers::synth::{SynthOptions, generate};
use heard_understand::customers::{Options, dedupe, table};
use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut seed = 2027u64;
    let mut households = 2000usize;
    let mut threshold = 0.5f64;
    let mut write: Option<String> = None;
    let mut args = std::env::args().skip(1);
    let mut files: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        if a == "--files" {
            // --files LEFT [RIGHT] OUTPUT: what `heard customers link|dedupe` does, without
            // building the heard binary.
            files = args.by_ref().collect();
            break;
        }
        let v = args.next().ok_or(format!("{a} needs a value"))?;
        match a.as_str() {
            "--seed" => seed = v.parse()?,
            "--households" => households = v.parse()?,
            "--threshold" => threshold = v.parse()?,
            "--write" => write = Some(v),
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    if !files.is_empty() {
        return run_files(&files);
    }
    let list = generate(&SynthOptions { seed, households });
    let truth: HashSet<(usize, usize)> = list.truth_pairs().into_iter().collect();
    if let Some(dir) = &write {
        std::fs::create_dir_all(dir)?;
        let mut out = b"id,given_name,surname,address,town,postcode,date_of_birth,email,phone\n".to_vec();
        for r in &list.records {
            table::write_row(
                &mut out,
                &[
                    &r.id,
                    &r.given_name,
                    &r.surname,
                    &r.address,
                    &r.locality,
                    &r.postcode,
                    &r.date_of_birth,
                    &r.email,
                    &r.phone,
                ],
            );
        }
        std::fs::write(format!("{dir}/list.csv"), out)?;
        let mut t = b"left_id,right_id\n".to_vec();
        for &(a, b) in &truth {
            table::write_row(&mut t, &[&list.records[a].id, &list.records[b].id]);
        }
        std::fs::write(format!("{dir}/truth.csv"), t)?;
    }
    if std::env::var_os("CUSTOMERS_EVAL_TRUE").is_some() {
        true_levels(&list);
        let prepared: Vec<_> = list
            .records
            .iter()
            .map(heard_understand::customers::normalise::prepare)
            .collect();
        let cand: HashSet<(usize, usize)> = heard_understand::customers::blocking::candidates(&prepared, None)
            .into_iter()
            .map(|(a, b)| (a as usize, b as usize))
            .collect();
        let missed: Vec<_> = truth.iter().filter(|p| !cand.contains(p)).collect();
        eprintln!(
            "blocking: {} of {} true pairs never compared",
            missed.len(),
            truth.len()
        );
        for &&(a, b) in missed.iter().take(8) {
            eprintln!("  {:?}\n  {:?}", list.records[a], list.records[b]);
        }
    }
    let start = Instant::now();
    let linkage = dedupe(&list.records, &Options::default())?;
    let seconds = start.elapsed().as_secs_f64();
    if std::env::var_os("CUSTOMERS_EVAL_MODEL").is_some() {
        let m = linkage.matcher.model();
        eprintln!("prior {:.2} household {:.2}", m.prior_bits, m.household_bits);
        for (i, f) in heard_understand::customers::Field::ALL.iter().enumerate() {
            eprintln!(
                "{:>14} m {:.3?}\n{:>14} h {:.3?}\n{:>14} u {:.4?}",
                f.name(),
                m.m[i],
                "",
                m.h[i],
                "",
                m.u[i]
            );
        }
    }
    let canon = |a: usize, b: usize| (a.min(b), a.max(b));
    let f1_at = |t: f64| {
        let predicted: Vec<(usize, usize)> = linkage
            .pairs
            .iter()
            .filter(|p| p.probability >= t)
            .map(|p| canon(p.left, p.right))
            .collect();
        let tp = predicted.iter().filter(|p| truth.contains(p)).count();
        let (np, nt) = (predicted.len() as f64, truth.len() as f64);
        let (p, r) = (tp as f64 / np.max(1.0), tp as f64 / nt.max(1.0));
        (p, r, 2.0 * tp as f64 / (np + nt).max(1.0))
    };
    let (p, r, f) = f1_at(threshold);
    let mut best = (0.0, 0.0, 0.0, 0.0);
    let mut seen = HashSet::new();
    for pair in &linkage.pairs {
        let t = (pair.probability * 1000.0).round() / 1000.0;
        if seen.insert(t.to_bits()) {
            let (bp, br, bf) = f1_at(t);
            if bf > best.3 {
                best = (t, bp, br, bf);
            }
        }
    }
    let mut false_merges: BTreeMap<&str, usize> = BTreeMap::new();
    for pair in linkage.pairs.iter().filter(|p| p.probability >= threshold) {
        if !truth.contains(&canon(pair.left, pair.right)) {
            let kind = list.relation(pair.left, pair.right).map_or("unrelated", |r| r.name());
            *false_merges.entry(kind).or_default() += 1;
        }
    }
    if std::env::var_os("CUSTOMERS_EVAL_MISSES").is_some() {
        // Missed true pairs, grouped by their comparison pattern (development aid).
        let scored: std::collections::HashMap<(usize, usize), f64> = linkage
            .pairs
            .iter()
            .map(|p| (canon(p.left, p.right), p.probability))
            .collect();
        let mut groups: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for &(a, b) in &truth {
            let pr = scored.get(&(a, b)).copied();
            if pr.is_some_and(|x| x >= threshold) {
                continue;
            }
            let c = linkage.matcher.compare(&list.records[a], &list.records[b]);
            let key = if pr.is_none() && c.probability >= threshold {
                "NOT A CANDIDATE".to_string()
            } else {
                c.reasons
                    .iter()
                    .map(|r| format!("{}={}", r.field.name(), r.level))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let e = groups.entry(key).or_insert((0, String::new()));
            e.0 += 1;
            if e.1.is_empty() {
                e.1 = format!("{:?} || {:?} p={:.3}", list.records[a], list.records[b], c.probability);
            }
        }
        for pair in linkage.pairs.iter().filter(|p| p.probability >= threshold) {
            let (a, b) = canon(pair.left, pair.right);
            if truth.contains(&(a, b)) {
                continue;
            }
            let kind = list.relation(a, b).map_or("unrelated", |r| r.name());
            let c = linkage.matcher.compare(&list.records[a], &list.records[b]);
            let key = format!(
                "FALSE {kind}: {}",
                c.reasons
                    .iter()
                    .map(|r| format!("{}={}", r.field.name(), r.level))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let e = groups.entry(key).or_insert((0, String::new()));
            e.0 += 1;
            if e.1.is_empty() {
                e.1 = format!("{:?} || {:?} p={:.3}", list.records[a], list.records[b], c.probability);
            }
        }
        // Calibration: share of true pairs among scored pairs, by predicted probability.
        let mut bins = [(0usize, 0usize, 0.0f64); 10];
        for pair in &linkage.pairs {
            let b = ((pair.probability * 10.0) as usize).min(9);
            bins[b].0 += 1;
            bins[b].1 += usize::from(truth.contains(&canon(pair.left, pair.right)));
            bins[b].2 += pair.probability;
        }
        for (k, (n, t, sp)) in bins.iter().enumerate() {
            eprintln!(
                "bin {k}: {n} pairs, mean p {:.3}, true {:.3}",
                sp / (*n).max(1) as f64,
                *t as f64 / (*n).max(1) as f64
            );
        }
        // Calibration by pattern: pairs, true ones, summed probability.
        let mut pat: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
        for pair in linkage.pairs.iter().filter(|p| p.probability >= 0.01) {
            let (a, b) = canon(pair.left, pair.right);
            let c = linkage.matcher.compare(&list.records[a], &list.records[b]);
            let key = c
                .reasons
                .iter()
                .map(|r| format!("{}={}", r.field.name(), r.level))
                .collect::<Vec<_>>()
                .join(" ");
            let e = pat.entry(key).or_default();
            e.0 += 1;
            e.1 += usize::from(truth.contains(&(a, b)));
            e.2 += pair.probability;
        }
        let mut pat: Vec<_> = pat.into_iter().collect();
        pat.sort_by(|x, y| (y.1.1 as f64 - y.1.2).abs().total_cmp(&(x.1.1 as f64 - x.1.2).abs()));
        for (k, (n, t, sp)) in pat.iter().take(25) {
            eprintln!("CAL n {n:5} true {t:5} sum p {sp:7.1}  {k}");
        }
        let mut g: Vec<_> = groups.into_iter().collect();
        g.sort_by_key(|x| std::cmp::Reverse(x.1.0));
        for (k, (n, ex)) in g.iter().take(400) {
            eprintln!("{n:5} {k}\n      {ex}");
        }
    }
    let present: BTreeMap<&str, usize> = list.relation_pairs().into_iter().map(|(k, v)| (k.name(), v)).collect();
    let r4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
    println!(
        "{{\"seed\":{seed},\"records\":{},\"true_pairs\":{},\"candidates\":{},\"seconds\":{:.3},\
         \"at_threshold\":{{\"threshold\":{threshold},\"precision\":{},\"recall\":{},\"f1\":{}}},\
         \"best\":{{\"threshold\":{},\"precision\":{},\"recall\":{},\"f1\":{}}},\
         \"false_merges\":{:?},\"related_pairs_present\":{:?}}}",
        list.records.len(),
        truth.len(),
        linkage.candidates,
        seconds,
        r4(p),
        r4(r),
        r4(f),
        best.0,
        r4(best.1),
        r4(best.2),
        r4(best.3),
        false_merges,
        present
    );
    Ok(())
}

/// Development aid: level shares among true pairs, to compare with the learned m.
#[allow(dead_code)]
pub fn true_levels(list: &heard_understand::customers::synth::SynthList) {
    use heard_understand::customers::{compare::compare, normalise::prepare};
    let p: Vec<_> = list.records.iter().map(prepare).collect();
    let mut c = [[0usize; 8]; 9];
    for (a, b) in list.truth_pairs() {
        let l = compare(&p[a], &p[b]);
        for f in 0..9 {
            c[f][l.levels[f] as usize] += 1;
        }
    }
    for (f, row) in c.iter().enumerate() {
        let t: usize = row[1..].iter().sum();
        eprintln!(
            "true {f}: {:?}",
            row[1..]
                .iter()
                .map(|x| (*x as f64 / t.max(1) as f64 * 1000.0).round() / 1000.0)
                .collect::<Vec<_>>()
        );
    }
}

/// Links (two lists) or de-duplicates (one list) CSV files and writes `left_id,right_id,score`.
fn run_files(files: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let read = |p: &str| -> Result<_, Box<dyn std::error::Error>> { Ok(table::read_records(&std::fs::read(p)?, &[])?) };
    let start = Instant::now();
    let (left, right, linkage) = match files {
        [l, r, _] => {
            let (left, right) = (read(l)?, read(r)?);
            let linkage = heard_understand::customers::link(&left, &right, &Options::default())?;
            (left, Some(right), linkage)
        }
        [i, _] => {
            let records = read(i)?;
            let linkage = dedupe(&records, &Options::default())?;
            (records, None, linkage)
        }
        _ => return Err("--files LEFT [RIGHT] OUTPUT".into()),
    };
    let right_list = right.as_deref().unwrap_or(&left);
    let mut out = b"left_id,right_id,score\n".to_vec();
    for p in &linkage.pairs {
        let score = format!("{:.6}", p.probability);
        table::write_row(&mut out, &[&left[p.left].id, &right_list[p.right].id, &score]);
    }
    std::fs::write(files.last().ok_or("no output")?, out)?;
    eprintln!(
        "{} candidates, {:.2} s",
        linkage.candidates,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
