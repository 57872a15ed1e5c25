//! Decomposition of a mode permutation into columns of adjacent waveguide crossings.

/// Decomposes a permutation into columns of crossings between adjacent modes.
///
/// `permutation[k]` is the input mode that output mode `k` carries, as in
/// [`crate::ir::OpKind::Permutation`]. Each returned column lists the upper modes `m` of
/// crossings that swap modes `m` and `m + 1`; crossings in one column touch disjoint modes.
/// Applying the columns in order to the identity arrangement yields the permutation.
///
/// The layout is odd–even transposition sort: column by column, alternately on the pairs
/// starting at even and at odd modes, a crossing swaps two neighbours that are out of order.
/// Rounds without a swap are left out, so an N-mode permutation takes at most N columns and
/// the identity takes none. Returns `None` when `permutation` is not a permutation of
/// `0..permutation.len()`.
pub fn adjacent_transpositions(permutation: &[usize]) -> Option<Vec<Vec<usize>>> {
    let modes = permutation.len();
    // `target[j]` is the output position that input mode `j` must reach.
    let mut target = vec![usize::MAX; modes];
    for (output, &input) in permutation.iter().enumerate() {
        if input >= modes || target[input] != usize::MAX {
            return None;
        }
        target[input] = output;
    }

    // `keys[k]` is the target position of the light now at position `k`.
    let mut keys = target;
    let mut columns = Vec::new();
    // Odd–even transposition sort finishes within `modes` rounds.
    for round in 0..modes {
        let swaps = sort_round(&mut keys, round % 2);
        if !swaps.is_empty() {
            columns.push(swaps);
        }
    }
    debug_assert!(keys.iter().enumerate().all(|(k, &key)| k == key));
    Some(columns)
}

/// Swaps each out-of-order pair `(k, k + 1)` with `k ≡ parity (mod 2)`; returns the `k`s swapped.
fn sort_round(keys: &mut [usize], parity: usize) -> Vec<usize> {
    let mut swaps = Vec::new();
    let mut top = parity;
    while top + 1 < keys.len() {
        if keys[top] > keys[top + 1] {
            keys.swap(top, top + 1);
            swaps.push(top);
        }
        top += 2;
    }
    swaps
}

#[cfg(test)]
mod tests {
    use super::adjacent_transpositions;
    use crate::emit::sax::tests::permutations;

    /// Applies crossing columns to the identity arrangement: entry `k` is the input mode at
    /// output `k`, computed by multiplying the 0/1 crossing matrices on the column vector of
    /// mode labels.
    fn apply_crossings(modes: usize, columns: &[Vec<usize>]) -> Vec<usize> {
        let mut matrix = nalgebra::DMatrix::<f64>::identity(modes, modes);
        for column in columns {
            let mut layer = nalgebra::DMatrix::<f64>::identity(modes, modes);
            for &top in column {
                // The crossing matrix [[0, 1], [1, 0]] on modes (top, top + 1).
                layer[(top, top)] = 0.0;
                layer[(top + 1, top + 1)] = 0.0;
                layer[(top, top + 1)] = 1.0;
                layer[(top + 1, top)] = 1.0;
            }
            matrix = layer * matrix;
        }
        let labels = nalgebra::DVector::from_iterator(modes, (0..modes).map(|j| j as f64));
        (matrix * labels).iter().map(|&x| x as usize).collect()
    }

    #[test]
    fn crossings_reproduce_every_small_permutation() {
        for modes in 1..=6 {
            for permutation in permutations(modes) {
                let columns = adjacent_transpositions(&permutation).unwrap();
                assert_eq!(
                    apply_crossings(modes, &columns),
                    permutation,
                    "columns {columns:?}"
                );
                assert!(columns.len() <= modes, "{permutation:?} takes {columns:?}");
            }
        }
    }

    #[test]
    fn crossings_in_a_column_are_disjoint() {
        for permutation in permutations(6) {
            for column in adjacent_transpositions(&permutation).unwrap() {
                for pair in column.windows(2) {
                    assert!(pair[0] + 1 < pair[1], "overlapping crossings in {column:?}");
                }
            }
        }
    }

    #[test]
    fn identity_needs_no_crossing() {
        assert_eq!(adjacent_transpositions(&[0, 1, 2, 3]), Some(vec![]));
        assert_eq!(adjacent_transpositions(&[]), Some(vec![]));
    }

    #[test]
    fn reversal_of_four_modes() {
        let columns = adjacent_transpositions(&[3, 2, 1, 0]).unwrap();
        assert_eq!(columns, vec![vec![0, 2], vec![1], vec![0, 2], vec![1]]);
    }

    #[test]
    fn invalid_permutations_are_rejected() {
        assert_eq!(adjacent_transpositions(&[0, 0]), None);
        assert_eq!(adjacent_transpositions(&[0, 2]), None);
    }
}
