//! The trained router: vocabulary, feature weights and calibration, and its file format.

use super::RouteError;
use super::features::{FeatureConfig, Scratch, tf};
use super::image::{self, Image};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Most features a model may have (feature numbers share a 64-bit slot with the hash).
pub(crate) const MAX_FEATURES: usize = (1 << ID_BITS) - 2;
const ID_BITS: u32 = 24;
const ID_MASK: u64 = (1 << ID_BITS) - 1;

/// Hash → feature number, by open addressing (linear probing, load ≤ 1/2). Each slot packs
/// the hash's top 40 bits with the feature number + 1 (0 marks an empty slot); the slot's
/// position carries the hash's low bits, so one memory read answers a lookup.
#[derive(Debug, Clone)]
pub(crate) struct Vocab {
    slots: Vec<u64>,
}

impl Vocab {
    /// Feature `i` is `hashes[i]` (all distinct; at most [`MAX_FEATURES`]).
    pub fn build(hashes: &[u64]) -> Vocab {
        assert!(hashes.len() <= MAX_FEATURES);
        let n = (hashes.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![0u64; n];
        let mask = n - 1;
        for (id, &h) in hashes.iter().enumerate() {
            let mut i = h as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (h & !ID_MASK) | (id as u64 + 1);
        }
        Vocab { slots }
    }

    #[inline]
    pub fn get(&self, h: u64) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let s = self.slots[i];
            if s == 0 {
                return None;
            }
            if (s ^ h) & !ID_MASK == 0 {
                return Some((s & ID_MASK) as u32 - 1);
            }
            i = (i + 1) & mask;
        }
    }
}

/// The numbers that turn a text into a feature vector.
pub(crate) struct Space<'a> {
    pub cfg: &'a FeatureConfig,
    pub vocab: &'a Vocab,
    pub idf: &'a [f32],
}

impl Space<'_> {
    /// TF-IDF weights of the known features of a text; each group L2-normalised.
    pub fn vectorise(&self, scratch: &mut Scratch, subject: Option<&str>, text: &str, out: &mut Vec<(u32, f32)>) {
        out.clear();
        scratch.hash_text(self.cfg, subject, text);
        for (group, weight) in [(&scratch.words, 1.0f32), (&scratch.grams, self.cfg.char_weight)] {
            let start = out.len();
            let mut norm = 0f32;
            scratch.counter.each(group, |h, count| {
                if let Some(id) = self.vocab.get(h) {
                    let v = tf(self.cfg, count) * self.idf[id as usize];
                    norm += v * v;
                    out.push((id, v));
                }
            });
            if norm > 0.0 {
                let k = weight / norm.sqrt();
                for e in &mut out[start..] {
                    e.1 *= k;
                }
            }
        }
    }
}

/// What a model file says about how it was made; also written as `route.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Labels, in the model's order.
    pub labels: Vec<String>,
    /// Training examples per label.
    pub label_counts: Vec<usize>,
    pub examples: usize,
    pub features: usize,
    /// SVM regularisation.
    pub c: f32,
    /// Softmax temperature fitted on the held-out split.
    pub temperature: f32,
    /// Macro-F1 and accuracy on the held-out split (trained without it).
    pub holdout_macro_f1: Option<f64>,
    pub holdout_accuracy: Option<f64>,
    pub holdout_examples: usize,
    pub feature_config: FeatureConfig,
    /// heard version that trained it.
    pub trained_by: String,
}

/// A trained router. Cheap to share between threads (`&Router` is all prediction needs).
///
/// It is its file image: loading maps (or reads) the file and checks it, nothing is
/// rebuilt, so a fresh process is routing within milliseconds.
#[derive(Debug, Clone)]
pub struct Router {
    pub(crate) info: ModelInfo,
    /// The whole file (see [`parse`] for the layout).
    image: Image,
    /// Vocabulary slots (as [`Vocab`], little-endian u64s) start here.
    slots_at: usize,
    slot_mask: usize,
    /// One row per feature, `stride` bytes: idf (f32), weight scale (f32), then one
    /// 8-bit weight per label (`w ≈ scale × q`). One row is one memory read.
    rows_at: usize,
    stride: usize,
    bias: Vec<f32>,
}

pub(crate) fn stride(labels: usize) -> usize {
    (8 + labels).next_multiple_of(8)
}

/// Lays out rows: idf, then weights quantised to 8 bits per feature row.
pub(crate) fn build_rows(idf: &[f32], class_weights: &[Vec<f32>]) -> Vec<u8> {
    let labels = class_weights.len();
    let st = stride(labels);
    let mut rows = vec![0u8; idf.len() * st];
    for (f, row) in rows.chunks_exact_mut(st).enumerate() {
        row[..4].copy_from_slice(&idf[f].to_le_bytes());
        let m = class_weights.iter().map(|w| w[f].abs()).fold(0f32, f32::max);
        if m > 0.0 {
            let s = m / 127.0;
            row[4..8].copy_from_slice(&s.to_le_bytes());
            for (l, w) in class_weights.iter().enumerate() {
                row[8 + l] = (w[f] / s).round().clamp(-127.0, 127.0) as i8 as u8;
            }
        }
    }
    rows
}

/// Asks the CPU to start loading the cache line at `p` (a hint; never faults).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint that never dereferences or faults, whatever `p` is.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[inline]
fn f32_at(b: &[u8], at: usize) -> f32 {
    f32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Router {
    /// Lays out a model image (the file format) and opens it.
    pub(crate) fn assemble(
        info: ModelInfo,
        vocab: &Vocab,
        idf: &[f32],
        class_weights: &[Vec<f32>],
        bias: &[f32],
    ) -> Router {
        let meta = serde_json::to_vec(&info).expect("model info serialises");
        let rows = build_rows(idf, class_weights);
        let mut buf = Vec::with_capacity(64 + meta.len() + vocab.slots.len() * 8 + rows.len());
        buf.extend_from_slice(MAGIC);
        buf.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        buf.extend_from_slice(&(meta.len() as u32).to_le_bytes());
        buf.extend_from_slice(&meta);
        buf.extend_from_slice(&(vocab.slots.len() as u64).to_le_bytes());
        buf.extend_from_slice(&(idf.len() as u64).to_le_bytes());
        for k in &vocab.slots {
            buf.extend_from_slice(&k.to_le_bytes());
        }
        for v in bias {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        buf.extend_from_slice(&rows);
        drop(rows);
        let sum = checksum(&buf);
        buf.extend_from_slice(&sum.to_le_bytes());
        parse(Image::Owned(buf)).expect("a model just built reads back")
    }

    #[inline]
    fn slot_ptr(&self, h: u64) -> *const u8 {
        self.image
            .as_ptr()
            .wrapping_add(self.slots_at + (h as usize & self.slot_mask) * 8)
    }

    /// The feature number of a hash, if it is in the vocabulary (see [`Vocab::get`]).
    #[inline]
    fn lookup(&self, h: u64) -> Option<u32> {
        let mut i = h as usize & self.slot_mask;
        loop {
            let at = self.slots_at + i * 8;
            let s = u64::from_le_bytes(self.image[at..at + 8].try_into().unwrap());
            if s == 0 {
                return None;
            }
            if (s ^ h) & !ID_MASK == 0 {
                return Some((s & ID_MASK) as u32 - 1);
            }
            i = (i + 1) & self.slot_mask;
        }
    }

    #[inline]
    fn row_ptr(&self, id: u32) -> *const u8 {
        self.image
            .as_ptr()
            .wrapping_add(self.rows_at + id as usize * self.stride)
    }

    /// Raw (uncalibrated) scores of a text, one per label, into `out`.
    ///
    /// Memory-bound (vocabulary and weight rows are megabytes), so it works in passes and
    /// prefetches a few entries ahead: distinct n-grams, then their feature numbers, then
    /// their rows.
    pub(crate) fn scores(&self, scratch: &mut Scratch, subject: Option<&str>, text: &str, out: &mut [f32]) {
        const AHEAD: usize = 32;
        let cfg = &self.info.feature_config;
        let labels = self.bias.len();
        scratch.hash_text(cfg, subject, text);
        out.copy_from_slice(&self.bias);
        let mut distinct = std::mem::take(&mut scratch.distinct);
        let mut found = std::mem::take(&mut scratch.found);
        let mut acc = std::mem::take(&mut scratch.acc);
        for (group, weight) in [(&scratch.words, 1.0f32), (&scratch.grams, cfg.char_weight)] {
            distinct.clear();
            scratch.counter.each(group, |h, count| distinct.push((h, count)));
            for &(h, _) in distinct.iter().take(AHEAD) {
                prefetch(self.slot_ptr(h));
            }
            found.clear();
            for (i, &(h, count)) in distinct.iter().enumerate() {
                if let Some(&(next, _)) = distinct.get(i + AHEAD) {
                    prefetch(self.slot_ptr(next));
                }
                if let Some(id) = self.lookup(h) {
                    found.push((id, count));
                }
            }
            acc.clear();
            acc.resize(labels, 0.0);
            let norm = self.accumulate(cfg, &found, &mut acc);
            if norm > 0.0 {
                let k = weight / norm.sqrt();
                for (o, a) in out.iter_mut().zip(&acc) {
                    *o += k * a;
                }
            }
        }
        scratch.distinct = distinct;
        scratch.found = found;
        scratch.acc = acc;
    }

    /// Adds each found feature's weighted row into `acc`; returns the squared norm of the
    /// feature values. The widest vector unit available does the per-label loop (the same
    /// operations in the same order, so the same results on any CPU).
    #[inline]
    fn accumulate(&self, cfg: &FeatureConfig, found: &[(u32, u32)], acc: &mut [f32]) -> f32 {
        #[cfg(target_arch = "x86_64")]
        if acc.len() >= 16 && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has just been checked for AVX2.
            return unsafe { self.accumulate_avx2(cfg, found, acc) };
        }
        self.accumulate_portable(cfg, found, acc)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn accumulate_avx2(&self, cfg: &FeatureConfig, found: &[(u32, u32)], acc: &mut [f32]) -> f32 {
        self.accumulate_portable(cfg, found, acc)
    }

    #[inline(always)]
    fn accumulate_portable(&self, cfg: &FeatureConfig, found: &[(u32, u32)], acc: &mut [f32]) -> f32 {
        const AHEAD: usize = 32;
        let labels = acc.len();
        for &(id, _) in found.iter().take(AHEAD) {
            prefetch(self.row_ptr(id));
        }
        let mut norm = 0f32;
        for (i, &(id, count)) in found.iter().enumerate() {
            if let Some(&(next, _)) = found.get(i + AHEAD) {
                prefetch(self.row_ptr(next));
            }
            let row = &self.image[self.rows_at + id as usize * self.stride..][..self.stride];
            let v = tf(cfg, count) * f32_at(row, 0);
            norm += v * v;
            let k = v * f32_at(row, 4);
            for (a, &q) in acc.iter_mut().zip(&row[8..8 + labels]) {
                *a += k * (q as i8) as f32;
            }
        }
        norm
    }

    /// Scores → calibrated probabilities, in place.
    pub(crate) fn softmax(&self, scores: &mut [f32]) {
        softmax(scores, 1.0 / self.info.temperature);
    }

    // ---- files ----

    /// Writes the model into `dir` (created if missing): `route.model` (binary, read by
    /// [`Router::load`]) and `route.json` (a description for people). Each file is written
    /// to a temporary name, synced, then renamed, so a reader sees the old model or the
    /// new one, never half of one.
    pub fn save(&self, dir: &Path) -> Result<(), RouteError> {
        std::fs::create_dir_all(dir).map_err(|e| RouteError::io(dir, e))?;
        write_atomic(&dir.join(MODEL_FILE), &self.image)?;
        let mut human = serde_json::to_vec_pretty(&self.info).expect("model info serialises");
        human.push(b'\n');
        write_atomic(&dir.join(INFO_FILE), &human)?;
        Ok(())
    }

    /// Reads a model written by [`Router::save`]; a missing, truncated, corrupt or newer
    /// model is a [`RouteError::Model`] saying which.
    pub fn load(dir: &Path) -> Result<Router, RouteError> {
        let path = dir.join(MODEL_FILE);
        let bytes = match image::open(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let why = if dir.is_dir() {
                    format!("no {MODEL_FILE} in this folder; train one with `heard route train`")
                } else {
                    "no such model folder; train one with `heard route train`".to_string()
                };
                return Err(RouteError::model(&path, why));
            }
            Err(e) => return Err(RouteError::io(&path, e)),
        };
        parse(bytes).map_err(|why| RouteError::model(&path, why))
    }
}

pub(crate) fn softmax(scores: &mut [f32], beta: f32) {
    let m = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0f32;
    for s in scores.iter_mut() {
        *s = ((*s - m) * beta).exp();
        sum += *s;
    }
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

const MAGIC: &[u8; 8] = b"HEARDRTE";
/// Bumped on any change to the file layout or to how texts become features.
const FORMAT_VERSION: u32 = 1;
pub(crate) const MODEL_FILE: &str = "route.model";
pub(crate) const INFO_FILE: &str = "route.json";

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RouteError> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("model");
    let tmp: PathBuf = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(RouteError::io(path, e));
    }
    if let Some(parent) = path.parent()
        && let Ok(d) = std::fs::File::open(parent)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A fast 64-bit checksum (four independent multiply-xor lanes over 8-byte words).
fn checksum(bytes: &[u8]) -> u64 {
    const M: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut lanes = [
        0x243F_6A88_85A3_08D3u64,
        0x1319_8A2E_0370_7344,
        0xA409_3822_299F_31D0,
        0x082E_FA98_EC4E_6C89,
    ];
    let mut chunks = bytes.chunks_exact(32);
    for c in &mut chunks {
        for (k, lane) in lanes.iter_mut().enumerate() {
            let w = u64::from_le_bytes(c[k * 8..k * 8 + 8].try_into().unwrap());
            *lane = (*lane ^ w).wrapping_mul(M).rotate_left(31);
        }
    }
    let mut h = bytes.len() as u64;
    for (k, &b) in chunks.remainder().iter().enumerate() {
        h = (h ^ ((b as u64) << ((k % 8) * 8))).wrapping_mul(M);
    }
    for lane in lanes {
        h = (h ^ lane).wrapping_mul(M).rotate_left(27);
    }
    h ^ (h >> 32)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| "the file is truncated".to_string())?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn len(&mut self, item: usize) -> Result<usize, String> {
        let n = self.u64()?;
        usize::try_from(n)
            .ok()
            .filter(|n| n.checked_mul(item).is_some_and(|b| b <= self.bytes.len()))
            .ok_or_else(|| "the file is corrupt (impossible section size)".to_string())
    }
    fn f32s(&mut self, n: usize) -> Result<Vec<f32>, String> {
        Ok(self
            .take(n * 4)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect())
    }
}

/// Checks a model image and finds its sections.
///
/// Layout (little-endian): magic, format version (u32), description length (u32) and the
/// description ([`ModelInfo`] as JSON), slot count (u64), feature count (u64), vocabulary
/// slots (u64 each), biases (f32 per label), feature rows, checksum of all that (u64).
fn parse(image: Image) -> Result<Router, String> {
    if image.len() < 8 || &image[..8] != MAGIC {
        return Err("not a heard routing model".into());
    }
    let mut r = Reader { bytes: &image, at: 8 };
    let version = r.u32()?;
    if version != FORMAT_VERSION {
        return Err(format!(
            "model format {version}, but this heard reads format {FORMAT_VERSION}; retrain with `heard route train`"
        ));
    }
    if image.len() < 8 + 4 + 8 {
        return Err("the file is truncated".into());
    }
    let (body, tail) = image.split_at(image.len() - 8);
    if checksum(body) != u64::from_le_bytes(tail.try_into().unwrap()) {
        return Err("the file is corrupt or truncated (checksum mismatch)".into());
    }
    r.bytes = body;
    let meta_len = r.u32()? as usize;
    let info: ModelInfo =
        serde_json::from_slice(r.take(meta_len)?).map_err(|e| format!("the file is corrupt (description: {e})"))?;
    let slots = r.len(8)?;
    let labels = info.labels.len();
    let st = stride(labels);
    let n = r.len(st)?;
    if !slots.is_power_of_two() || n * 2 > slots || n > MAX_FEATURES || labels < 2 || info.label_counts.len() != labels
    {
        return Err("the file is corrupt (inconsistent sizes)".into());
    }
    if !(info.temperature.is_finite() && info.temperature > 0.0) {
        return Err("the file is corrupt (bad temperature)".into());
    }
    let slots_at = r.at;
    let mut used = 0usize;
    for c in r.take(slots * 8)?.chunks_exact(8) {
        let s = u64::from_le_bytes(c.try_into().unwrap());
        if s != 0 {
            used += 1;
            let id = (s & ID_MASK) as usize;
            if id == 0 || id > n {
                return Err("the file is corrupt (vocabulary)".into());
            }
        }
    }
    if used != n {
        return Err("the file is corrupt (vocabulary)".into());
    }
    let bias = r.f32s(labels)?;
    let rows_at = r.at;
    r.take(n * st)?;
    if r.at != body.len() {
        return Err("the file is corrupt (trailing bytes)".into());
    }
    Ok(Router {
        info,
        image,
        slots_at,
        slot_mask: slots - 1,
        rows_at,
        stride: st,
        bias,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocab_finds_what_it_holds() {
        let hashes: Vec<u64> = (1..1000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
            .collect();
        let v = Vocab::build(&hashes);
        for (i, &h) in hashes.iter().enumerate() {
            assert_eq!(v.get(h), Some(i as u32));
        }
        assert_eq!(v.get(2), None);
    }

    #[test]
    fn wide_and_portable_scoring_agree_exactly() {
        use crate::route::{Example, TrainOptions};
        // 20 labels, so the wide path is taken where the CPU has it.
        let examples: Vec<Example> = (0..400)
            .map(|i| Example {
                id: serde_json::json!(i),
                subject: None,
                text: format!("word{} word{} shared text {}", i % 20, (i * 7) % 20, i % 3),
                label: Some(format!("label{}", i % 20)),
            })
            .collect();
        let router = Router::train(&examples, &TrainOptions::default()).unwrap();
        let mut scratch = Scratch::default();
        let (mut wide, mut portable) = (vec![0f32; 20], vec![0f32; 20]);
        for e in examples.iter().take(50) {
            router.scores(&mut scratch, None, &e.text, &mut wide);
            // The same sum, forced through the portable loop.
            scratch.hash_text(&router.info.feature_config, None, &e.text);
            let mut found = Vec::new();
            let mut total = router.bias.clone();
            for (group, weight) in [
                (&scratch.words, 1.0f32),
                (&scratch.grams, router.info.feature_config.char_weight),
            ] {
                found.clear();
                scratch.counter.each(group, |h, c| {
                    if let Some(id) = router.lookup(h) {
                        found.push((id, c));
                    }
                });
                let mut acc = vec![0f32; 20];
                let norm = router.accumulate_portable(&router.info.feature_config, &found, &mut acc);
                if norm > 0.0 {
                    let k = weight / norm.sqrt();
                    for (o, a) in total.iter_mut().zip(&acc) {
                        *o += k * a;
                    }
                }
            }
            portable.copy_from_slice(&total);
            assert_eq!(wide, portable);
        }
    }

    #[test]
    fn checksum_sees_one_flipped_bit() {
        let mut b = vec![7u8; 1001];
        let a = checksum(&b);
        b[500] ^= 1;
        assert_ne!(a, checksum(&b));
    }
}
