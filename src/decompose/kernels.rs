//! Vector loops of the decompositions: 2×2 unitaries applied to split complex vectors.
//!
//! The working matrices keep real and imaginary parts in separate `f64` planes, so every loop
//! here runs over plain `f64` slices that LLVM vectorizes without shuffles. Each loop has one
//! body and two entry points: a copy compiled with AVX2 and FMA, used when the CPU has
//! them (checked at run time), and the portable copy for every other CPU.

use num_complex::Complex64;

/// A 2×2 complex matrix `[[a, b], [c, d]]` that maps a pair `(upper, lower)` to
/// `(a·upper + b·lower, c·upper + d·lower)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rotation {
    re: [f64; 4],
    im: [f64; 4],
}

impl Rotation {
    /// Creates the rotation with the 2×2 matrix `entries`, given row by row.
    pub(super) fn new(entries: [[Complex64; 2]; 2]) -> Self {
        let [[a, b], [c, d]] = entries;
        Rotation {
            re: [a.re, b.re, c.re, d.re],
            im: [a.im, b.im, c.im, d.im],
        }
    }

    /// Returns the rotation with every entry conjugated (not transposed).
    pub(super) fn conjugate(self) -> Self {
        Rotation {
            re: self.re,
            im: self.im.map(|part| -part),
        }
    }

    /// Applies the matrix to one pair.
    pub(super) fn apply(&self, upper: Complex64, lower: Complex64) -> (Complex64, Complex64) {
        let entry = |k: usize| Complex64::new(self.re[k], self.im[k]);
        (
            entry(0) * upper + entry(1) * lower,
            entry(2) * upper + entry(3) * lower,
        )
    }
}

/// Real and imaginary parts of a stretch of complex numbers, with equal lengths.
pub(super) struct SplitMut<'a> {
    pub(super) re: &'a mut [f64],
    pub(super) im: &'a mut [f64],
}

/// Applies `rotation` to every pair `(upper[k], lower[k])`.
///
/// Panics if the four slices differ in length.
pub(super) fn rotate_pairs(rotation: &Rotation, upper: SplitMut<'_>, lower: SplitMut<'_>) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: `has_avx2_fma` checked that the CPU runs AVX2 and FMA instructions.
        unsafe { rotate_pairs_avx2_fma(rotation, upper, lower) };
        return;
    }
    rotate_pairs_body(rotation, upper, lower);
}

/// Applies `rotations[j]` to the entries `(j, j + 1)` of each lane, for j = 0, 1, … in turn.
///
/// A lane is one column segment whose entry `j` is `lanes_re[lane][j]` plus `i` times
/// `lanes_im[lane][j]`. Consecutive rotations share an entry, so each lane is a serial chain;
/// the lanes are independent and are the vector dimension. Every segment must have at least
/// `rotations.len() + 1` entries.
pub(super) fn rotate_chain(
    rotations: &[Rotation],
    lanes_re: [&mut [f64]; 4],
    lanes_im: [&mut [f64]; 4],
) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: `has_avx2_fma` checked that the CPU runs AVX2 and FMA instructions.
        unsafe { rotate_chain_avx2_fma(rotations, lanes_re, lanes_im) };
        return;
    }
    rotate_chain_body(rotations, lanes_re, lanes_im);
}

#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    // The standard library caches the CPUID result, so each check is one atomic load.
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn rotate_pairs_avx2_fma(rotation: &Rotation, upper: SplitMut<'_>, lower: SplitMut<'_>) {
    rotate_pairs_body(rotation, upper, lower);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn rotate_chain_avx2_fma(
    rotations: &[Rotation],
    lanes_re: [&mut [f64]; 4],
    lanes_im: [&mut [f64]; 4],
) {
    rotate_chain_body(rotations, lanes_re, lanes_im);
}

/// Returns `a·b + c` with one rounding.
///
/// The copy compiled with FMA turns this into one instruction. Elsewhere `mul_add` is a
/// slower library call that rounds the same way, so results are bit-identical on every CPU.
#[inline(always)]
fn fmadd(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

/// Returns the real and imaginary parts of `p·x + q·y` for complex `p`, `q`, `x`, `y`.
#[inline(always)]
fn combine(
    (p_re, p_im): (f64, f64),
    (x_re, x_im): (f64, f64),
    (q_re, q_im): (f64, f64),
    (y_re, y_im): (f64, f64),
) -> (f64, f64) {
    let re = fmadd(
        p_re,
        x_re,
        fmadd(-p_im, x_im, fmadd(q_re, y_re, -q_im * y_im)),
    );
    let im = fmadd(
        p_re,
        x_im,
        fmadd(p_im, x_re, fmadd(q_re, y_im, q_im * y_re)),
    );
    (re, im)
}

#[inline(always)]
fn rotate_pairs_body(rotation: &Rotation, upper: SplitMut<'_>, lower: SplitMut<'_>) {
    let length = upper.re.len();
    assert!(
        upper.im.len() == length && lower.re.len() == length && lower.im.len() == length,
        "rotated slices differ in length"
    );
    let [a, b, c, d] = std::array::from_fn(|k| (rotation.re[k], rotation.im[k]));
    let pairs = upper
        .re
        .iter_mut()
        .zip(upper.im.iter_mut())
        .zip(lower.re.iter_mut().zip(lower.im.iter_mut()));
    for ((x_re, x_im), (y_re, y_im)) in pairs {
        let (x, y) = ((*x_re, *x_im), (*y_re, *y_im));
        (*x_re, *x_im) = combine(a, x, b, y);
        (*y_re, *y_im) = combine(c, x, d, y);
    }
}

/// Four values of one vector lane group: one per column, at the same row.
type Lanes = [f64; 4];

/// Returns the real and imaginary parts of `p·x + q·y` in every lane, for scalar `p` and `q`.
#[inline(always)]
fn combine_lanes(
    p: (f64, f64),
    (x_re, x_im): (&Lanes, &Lanes),
    q: (f64, f64),
    (y_re, y_im): (&Lanes, &Lanes),
) -> (Lanes, Lanes) {
    let mut re = [0.0; 4];
    let mut im = [0.0; 4];
    for lane in 0..4 {
        (re[lane], im[lane]) = combine(p, (x_re[lane], x_im[lane]), q, (y_re[lane], y_im[lane]));
    }
    (re, im)
}

/// Loads rows `start..start + 4` of four column segments and transposes them, so that entry
/// `[k][lane]` is row `start + k` of column `lane`.
#[inline(always)]
fn load_rows(columns: &[&mut [f64]; 4], start: usize) -> [Lanes; 4] {
    let blocks: [Lanes; 4] = std::array::from_fn(|lane| {
        columns[lane][start..start + 4]
            .try_into()
            .expect("four rows")
    });
    std::array::from_fn(|k| std::array::from_fn(|lane| blocks[lane][k]))
}

/// Stores `rows[k][lane]` into row `start + k` of column `lane`, undoing [`load_rows`].
#[inline(always)]
fn store_rows(columns: &mut [&mut [f64]; 4], start: usize, rows: &[Lanes; 4]) {
    for lane in 0..4 {
        let block: Lanes = std::array::from_fn(|k| rows[k][lane]);
        columns[lane][start..start + 4].copy_from_slice(&block);
    }
}

#[inline(always)]
fn rotate_chain_body(rotations: &[Rotation], lanes_re: [&mut [f64]; 4], lanes_im: [&mut [f64]; 4]) {
    let count = rotations.len();
    // Cutting every lane to exactly `count + 1` entries lets the compiler drop the bounds
    // checks in the loops below.
    let mut lanes_re = lanes_re.map(|lane| &mut lane[..=count]);
    let mut lanes_im = lanes_im.map(|lane| &mut lane[..=count]);
    // The lower entry of rotation j is the upper entry of rotation j + 1, so it stays in
    // `carried` between them and each entry is loaded and stored once. Rows go four at a time
    // through a 4×4 transpose, so that each vector contains one row of the four columns.
    let mut carried_re: Lanes = std::array::from_fn(|lane| lanes_re[lane][0]);
    let mut carried_im: Lanes = std::array::from_fn(|lane| lanes_im[lane][0]);
    let mut start = 0;
    while start + 4 <= count {
        let lower_re = load_rows(&lanes_re, start + 1);
        let lower_im = load_rows(&lanes_im, start + 1);
        let mut upper_re = [[0.0; 4]; 4];
        let mut upper_im = [[0.0; 4]; 4];
        for k in 0..4 {
            let rotation = &rotations[start + k];
            let [a, b, c, d] = std::array::from_fn(|e| (rotation.re[e], rotation.im[e]));
            let x = (&carried_re, &carried_im);
            let y = (&lower_re[k], &lower_im[k]);
            (upper_re[k], upper_im[k]) = combine_lanes(a, x, b, y);
            (carried_re, carried_im) = combine_lanes(c, x, d, y);
        }
        store_rows(&mut lanes_re, start, &upper_re);
        store_rows(&mut lanes_im, start, &upper_im);
        start += 4;
    }
    for (j, rotation) in rotations.iter().enumerate().skip(start) {
        let [a, b, c, d] = std::array::from_fn(|e| (rotation.re[e], rotation.im[e]));
        let lower_re: Lanes = std::array::from_fn(|lane| lanes_re[lane][j + 1]);
        let lower_im: Lanes = std::array::from_fn(|lane| lanes_im[lane][j + 1]);
        let x = (&carried_re, &carried_im);
        let y = (&lower_re, &lower_im);
        let (upper_re, upper_im) = combine_lanes(a, x, b, y);
        (carried_re, carried_im) = combine_lanes(c, x, d, y);
        for lane in 0..4 {
            lanes_re[lane][j] = upper_re[lane];
            lanes_im[lane][j] = upper_im[lane];
        }
    }
    for lane in 0..4 {
        lanes_re[lane][count] = carried_re[lane];
        lanes_im[lane][count] = carried_im[lane];
    }
}
