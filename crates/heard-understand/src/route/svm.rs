//! One-vs-rest linear SVMs (L2-regularised, squared hinge loss), solved in the dual by
//! coordinate descent with shrinking — the method of LIBLINEAR (Hsieh et al., ICML 2008).
//! The bias is a regularised feature of constant value 1, as in LIBLINEAR.

/// Sparse rows: row `i` holds `indices[indptr[i]..indptr[i+1]]` with their `values`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Csr {
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl Csr {
    pub fn new() -> Self {
        Csr {
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    #[inline]
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (s, e) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[s..e], &self.values[s..e])
    }

    pub fn push_row(&mut self, row: &[(u32, f32)]) {
        for &(j, v) in row {
            self.indices.push(j);
            self.values.push(v);
        }
        self.indptr.push(self.indices.len());
    }

    /// The rows listed, in that order.
    pub fn select(&self, rows: &[usize]) -> Csr {
        let mut out = Csr::new();
        for &i in rows {
            let (idx, val) = self.row(i);
            out.indices.extend_from_slice(idx);
            out.values.extend_from_slice(val);
            out.indptr.push(out.indices.len());
        }
        out
    }
}

/// A small deterministic generator (SplitMix64).
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Solver settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SvmParams {
    /// Stop when the projected gradients span less than this.
    pub eps: f32,
    pub max_epochs: usize,
    pub seed: u64,
}

/// Trains one class against the rest. `cost[i]` is example `i`'s C (class weighting
/// included); `sqnorm[i]` its squared L2 norm. Returns the weights and the bias.
pub(crate) fn train_binary(
    x: &Csr,
    dim: usize,
    sqnorm: &[f32],
    positive: impl Fn(usize) -> bool,
    cost: &[f32],
    params: SvmParams,
) -> (Vec<f32>, f32) {
    let n = x.rows();
    let mut w = vec![0f32; dim];
    let mut b = 0f32;
    let mut alpha = vec![0f32; n];
    let diag: Vec<f32> = cost.iter().map(|c| 0.5 / c).collect();
    let qd: Vec<f32> = (0..n).map(|i| sqnorm[i] + 1.0 + diag[i]).collect();
    let sign: Vec<f32> = (0..n).map(|i| if positive(i) { 1.0 } else { -1.0 }).collect();
    let mut index: Vec<u32> = (0..n as u32).collect();
    let mut active = n;
    let mut pg_max_old = f32::INFINITY;
    let mut rng = Rng::new(params.seed);
    for _ in 0..params.max_epochs {
        let mut pg_max = f32::NEG_INFINITY;
        let mut pg_min = f32::INFINITY;
        rng.shuffle(&mut index[..active]);
        let mut s = 0;
        while s < active {
            let i = index[s] as usize;
            let (idx, val) = x.row(i);
            let mut dot = b;
            for (&j, &v) in idx.iter().zip(val) {
                dot += w[j as usize] * v;
            }
            let yi = sign[i];
            let g = yi * dot - 1.0 + alpha[i] * diag[i];
            let mut pg = 0.0;
            if alpha[i] == 0.0 {
                if g > pg_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                } else if g < 0.0 {
                    pg = g;
                }
            } else {
                pg = g;
            }
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / qd[i]).max(0.0);
                let d = (alpha[i] - old) * yi;
                for (&j, &v) in idx.iter().zip(val) {
                    w[j as usize] += d * v;
                }
                b += d;
            }
            s += 1;
        }
        if pg_max - pg_min <= params.eps {
            if active == n {
                break;
            }
            active = n;
            pg_max_old = f32::INFINITY;
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f32::INFINITY } else { pg_max };
    }
    (w, b)
}

/// Runs `f(k)` for every `k` in `0..n` on up to `threads` threads; results in order of `k`.
pub(crate) fn parallel_map<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads.clamp(1, n.max(1));
    if threads == 1 {
        return (0..n).map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut parts: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if k >= n {
                            break;
                        }
                        out.push((k, f(k)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker thread panicked"))
            .collect()
    });
    let mut all: Vec<(usize, T)> = parts.iter_mut().flat_map(std::mem::take).collect();
    all.sort_by_key(|(k, _)| *k);
    all.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_two_points() {
        let mut x = Csr::new();
        x.push_row(&[(0, 1.0)]);
        x.push_row(&[(1, 1.0)]);
        let params = SvmParams {
            eps: 1e-4,
            max_epochs: 1000,
            seed: 1,
        };
        let (w, b) = train_binary(&x, 2, &[1.0, 1.0], |i| i == 0, &[1.0, 1.0], params);
        assert!(w[0] + b > 0.0);
        assert!(w[1] + b < 0.0);
    }

    #[test]
    fn parallel_map_keeps_order() {
        assert_eq!(
            parallel_map(10, 3, |k| k * 2),
            (0..10).map(|k| k * 2).collect::<Vec<_>>()
        );
    }
}
