//! Batch kernel behind [`Mesh::apply`](super::Mesh::apply): blocks of 16 samples in split
//! real and imaginary parts, each MZI as one complex weight and one real mixing step.
//!
//! Each mode `m` carries a pending complex factor `g[m]`: the true field is `g[m]` times the
//! stored one. The MZI `M(θ, φ)` on stored fields `(x, y)` of modes `(m, m + 1)` becomes
//!
//! ```text
//! u  = w · x                       with w = e^{iφ} · g[m] / g[m + 1]
//! x' = u − τ·y,   y' = τ·u + y     when |cos(θ/2)| ≥ |sin(θ/2)|, τ = tan(θ/2)
//! x' = κ·u − y,   y' = u + κ·y     otherwise,                   κ = cot(θ/2)
//! ```
//!
//! and both modes leave with the factor `e^{iθ/2} · cos(θ/2) · g[m + 1]` (or `sin(θ/2)` in the
//! second form). That is 8 real operations per sample, 6 of them fused multiply-adds, instead
//! of the 28 of a 2×2 complex product; a dense N×N complex product costs 8 per sample and
//! matrix entry pair, so the mesh and the product do about the same arithmetic. The pending
//! factors are folded in with the output phases when a block is written back. Because
//! `|τ|, |κ| ≤ 1`, every step is a scaled rotation, as well conditioned as the MZI itself.

use nalgebra::DMatrix;
use num_complex::Complex64;
use rayon::prelude::*;

use super::{Mesh, half_angle_sin_cos};

/// Samples processed together. 16 rows of 256 modes in split parts take 64 KiB, so a block
/// of a mesh of a few hundred modes stays in L2 (and mostly L1) cache while every MZI passes
/// over it, and each MZI works on two or four full vector registers per part.
const BLOCK: usize = 16;

/// Samples per parallel task: enough blocks that the per-task setup is negligible, few
/// enough that a batch of a few thousand rows splits over all cores.
const TASK_ROWS: usize = 16 * BLOCK;

/// One mode of one block, real or imaginary parts.
type Lanes = [f64; BLOCK];

/// The pending factor of a mode may shrink by `1/√2` per MZI while the stored fields grow by
/// as much. Once it falls below this magnitude, a rescaling step divides the stored fields of
/// the pair by [`RESCALE`] and multiplies the factor by it, so that stored fields stay far
/// from overflow.
const SMALLEST_FACTOR: f64 = 1.0 / RESCALE;
/// 2^64, a power of two, so rescaling is exact.
const RESCALE: f64 = 18_446_744_073_709_551_616.0;

/// One step of the kernel on two slots of the block buffers.
#[derive(Debug, Clone, Copy)]
struct Step {
    /// Slot of the weighted input `x`.
    upper: u32,
    /// Slot of the other input `y`.
    lower: u32,
    /// Complex weight `w`, or `[r, 0]` to multiply both slots by the real factor `r` in a
    /// rescaling step, which has a NaN `ratio`.
    weight: [f64; 2],
    /// `τ`, with `|τ| ≤ 1`.
    ratio: f64,
}

/// The steps of a mesh and, for each mode, where its field ends up and the factor it takes
/// when a block is written back.
#[derive(Debug, Clone)]
struct Plan {
    steps: Vec<Step>,
    /// Slot that contains each mode after the last step.
    slots: Vec<usize>,
    /// Pending factor times the output phase, one per mode.
    output_factors: Vec<Complex64>,
}

impl Plan {
    /// Turns every MZI into the step `u = w·x`, `x' = u − τ·y`, `y' = τ·u + y`.
    ///
    /// In the cosine form the slots keep their modes. The sine form is the same step with
    /// `τ = −κ` whose outputs come out swapped and the upper one negated: `x'` holds the
    /// lower mode and `y'` minus the upper one. The plan records the swap by exchanging the
    /// slots of the two modes and the sign in the pending factor, so no data moves.
    fn new(mesh: &Mesh) -> Plan {
        let mut pending = vec![Complex64::new(1.0, 0.0); mesh.modes];
        let mut slots: Vec<usize> = (0..mesh.modes).collect();
        let mut steps = Vec::with_capacity(mesh.mzis.len());
        for mzi in locality_order(mesh)
            .into_iter()
            .map(|index| &mesh.mzis[index])
        {
            let (top, bottom) = (mzi.top, mzi.top + 1);
            let (sin, cos) = half_angle_sin_cos(mzi.theta);
            let common = Complex64::new(cos, sin);
            let weight = Complex64::from_polar(1.0, mzi.phi) * pending[top] / pending[bottom];
            let cosine_form = cos.abs() >= sin.abs();
            let (scale, ratio) = if cosine_form {
                (cos, sin / cos)
            } else {
                (sin, -cos / sin)
            };
            let (upper, lower) = (slot_index(slots[top]), slot_index(slots[bottom]));
            steps.push(Step {
                upper,
                lower,
                weight: [weight.re, weight.im],
                ratio,
            });
            let mut factor = common * scale * pending[bottom];
            if factor.norm() < SMALLEST_FACTOR {
                factor *= RESCALE;
                steps.push(Step {
                    upper,
                    lower,
                    weight: [1.0 / RESCALE, 0.0],
                    ratio: f64::NAN,
                });
            }
            if cosine_form {
                pending[top] = factor;
                pending[bottom] = factor;
            } else {
                slots.swap(top, bottom);
                pending[top] = -factor;
                pending[bottom] = factor;
            }
        }
        let output_factors = pending
            .iter()
            .zip(&mesh.output_phases)
            .map(|(&factor, &phase)| factor * Complex64::from_polar(1.0, phase))
            .collect();
        Plan {
            steps,
            slots,
            output_factors,
        }
    }
}

/// Width of a schedule tile along each diagonal of the layout: 32 values of `p` and `q`
/// give tiles of about 256 MZIs on 32 modes, 8 KiB of a 16-row block. On a 256-mode mesh
/// (AMD EPYC, 32 KiB L1) 32 ran 5 % faster than 64 and 10 % faster than 128; 16 was no faster.
const SCHEDULE_TILE: usize = 32;

/// Returns the MZIs' indices in an order that keeps a few dozen modes busy at a time.
///
/// MZIs are sorted by the diagonals `p = column + top` and `q = column − top` of the layout,
/// in square tiles of those coordinates: an MZI's predecessors lie at smaller or equal `p`
/// and `q`, so tiles in order and MZIs in order within a tile respect every dependency when
/// the layout columns are consistent. The order is checked against the list order of each
/// mode, and the list order is kept when the check fails (inconsistent columns).
fn locality_order(mesh: &Mesh) -> Vec<usize> {
    let listed: Vec<usize> = (0..mesh.mzis.len()).collect();
    let key = |index: &usize| {
        let mzi = &mesh.mzis[*index];
        let p = mzi.column + mzi.top;
        let q = mzi.column + mesh.modes - mzi.top;
        (p / SCHEDULE_TILE, q / SCHEDULE_TILE, mzi.column, *index)
    };
    let mut order = listed.clone();
    order.sort_unstable_by_key(key);

    // Each mode must meet its MZIs in list order.
    let mut last = vec![None; mesh.modes];
    for &index in &order {
        let top = mesh.mzis[index].top;
        for mode in [top, top + 1] {
            if last[mode].is_some_and(|previous| previous > index) {
                return listed;
            }
            last[mode] = Some(index);
        }
    }
    order
}

fn slot_index(slot: usize) -> u32 {
    u32::try_from(slot).expect("a mesh has fewer than 2^32 modes")
}

/// Applies `mesh` to `fields` (one row per sample, one column per mode), blocks of rows in
/// parallel on rayon's global pool.
///
/// Every row goes through the same operations whatever the blocking and the number of
/// threads, and every multiply-add is fused on every CPU, so the result is bit-identical from
/// run to run and from machine to machine.
pub(super) fn apply(mesh: &Mesh, fields: &mut DMatrix<Complex64>) {
    let rows = fields.nrows();
    let modes = mesh.modes;
    if rows == 0 || modes == 0 {
        return;
    }
    let plan = Plan::new(mesh);

    // tasks[t][m] is the segment of column m with the rows of task t.
    let task_count = rows.div_ceil(TASK_ROWS);
    let mut tasks: Vec<Vec<&mut [Complex64]>> =
        (0..task_count).map(|_| Vec::with_capacity(modes)).collect();
    for column in fields.as_mut_slice().chunks_mut(rows) {
        for (task, segment) in tasks.iter_mut().zip(column.chunks_mut(TASK_ROWS)) {
            task.push(segment);
        }
    }
    tasks.into_par_iter().for_each_init(
        || Buffers::new(modes),
        |buffers, mut segments| run_task(&plan, &mut segments, buffers),
    );
}

/// Split real and imaginary parts of one block, one entry per mode.
struct Buffers {
    real: Vec<Lanes>,
    imaginary: Vec<Lanes>,
}

impl Buffers {
    fn new(modes: usize) -> Buffers {
        Buffers {
            real: vec![[0.0; BLOCK]; modes],
            imaginary: vec![[0.0; BLOCK]; modes],
        }
    }
}

/// Runs the plan on the rows of one task, block by block.
fn run_task(plan: &Plan, segments: &mut [&mut [Complex64]], buffers: &mut Buffers) {
    let rows = segments[0].len();
    for start in (0..rows).step_by(BLOCK) {
        let count = BLOCK.min(rows - start);
        for (mode, segment) in segments.iter().enumerate() {
            let (real, imaginary) = (&mut buffers.real[mode], &mut buffers.imaginary[mode]);
            // A partial last block is padded with zeros, which stay zero.
            *real = [0.0; BLOCK];
            *imaginary = [0.0; BLOCK];
            for (lane, z) in segment[start..start + count].iter().enumerate() {
                real[lane] = z.re;
                imaginary[lane] = z.im;
            }
        }

        run_steps(&plan.steps, &mut buffers.real, &mut buffers.imaginary);

        for (mode, segment) in segments.iter_mut().enumerate() {
            let factor = plan.output_factors[mode];
            let slot = plan.slots[mode];
            let (real, imaginary) = (&buffers.real[slot], &buffers.imaginary[slot]);
            for (lane, z) in segment[start..start + count].iter_mut().enumerate() {
                *z = Complex64::new(real[lane], imaginary[lane]) * factor;
            }
        }
    }
}

/// Dispatches to the widest vector code the CPU runs.
fn run_steps(steps: &[Step], real: &mut [Lanes], imaginary: &mut [Lanes]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports AVX2 and FMA, checked on the line above.
        unsafe { run_steps_avx2_fma(steps, real, imaginary) };
        return;
    }
    run_steps_generic(steps, real, imaginary);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_steps_avx2_fma(steps: &[Step], real: &mut [Lanes], imaginary: &mut [Lanes]) {
    run_steps_generic(steps, real, imaginary);
}

#[inline(always)]
fn run_steps_generic(steps: &[Step], real: &mut [Lanes], imaginary: &mut [Lanes]) {
    for step in steps {
        let slots = [step.upper as usize, step.lower as usize];
        let [x_re, y_re] = real
            .get_disjoint_mut(slots)
            .expect("a step acts on two distinct slots");
        let [x_im, y_im] = imaginary
            .get_disjoint_mut(slots)
            .expect("a step acts on two distinct slots");
        if step.ratio.is_nan() {
            for lanes in [x_re, x_im, y_re, y_im] {
                lanes.iter_mut().for_each(|value| *value *= step.weight[0]);
            }
        } else {
            mix(step.weight, step.ratio, x_re, x_im, y_re, y_im);
        }
    }
}

/// Applies one MZI step to a block.
#[inline(always)]
fn mix(
    [wr, wi]: [f64; 2],
    tau: f64,
    x_re: &mut Lanes,
    x_im: &mut Lanes,
    y_re: &mut Lanes,
    y_im: &mut Lanes,
) {
    for k in 0..BLOCK {
        let (xr, xi, yr, yi) = (x_re[k], x_im[k], y_re[k], y_im[k]);
        let ur = fmadd(wr, xr, -(wi * xi));
        let ui = fmadd(wr, xi, wi * xr);
        x_re[k] = fmadd(-tau, yr, ur);
        x_im[k] = fmadd(-tau, yi, ui);
        y_re[k] = fmadd(tau, ur, yr);
        y_im[k] = fmadd(tau, ui, yi);
    }
}

/// Returns `a·b + c` with one rounding.
///
/// The copy compiled with FMA turns this into one instruction. Elsewhere `mul_add` is a
/// slower library call that rounds the same way, so results are bit-identical on every CPU.
#[inline(always)]
fn fmadd(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}
