//! Lowering: checked layers to IR operations.
//!
//! `linear` layers become `unitary · attenuators · unitary` by singular value decomposition;
//! every other layer maps to one operation, with phases wrapped into `[0, 2π)`.

mod quantum;
mod svd;

pub use svd::{LinearParts, split_linear};

use crate::check::{CheckedNetwork, LayerKind};
use crate::ir::{Module, Network, Op, OpKind};
use crate::linalg::normalize_phase;

/// Lowers every checked network of a file.
pub fn lower(networks: &[CheckedNetwork]) -> Module {
    Module {
        networks: networks.iter().map(lower_network).collect(),
    }
}

pub fn lower_network(network: &CheckedNetwork) -> Network {
    if network.target.is_quantum() {
        let qubits = quantum::register_size(network);
        let ops = quantum::lower_layers(network, qubits);
        log::info!(
            "lowered quantum network `{}` to {} operations on {qubits} qubits",
            network.name,
            ops.len()
        );
        return Network {
            name: network.name.clone(),
            span: network.span,
            target: network.target.clone(),
            input: network.input.clone(),
            ops,
            qubits,
            output_span: network.output_span,
        };
    }
    let mut ops = Vec::new();
    for layer in &network.layers {
        let op = |kind| Op {
            kind,
            layer: layer.name.clone(),
            span: layer.span,
        };
        match &layer.kind {
            LayerKind::Unitary(matrix) => ops.push(op(OpKind::Unitary(matrix.clone()))),
            LayerKind::Linear(matrix) => {
                let parts = split_linear(matrix);
                ops.push(op(OpKind::Unitary(parts.v_adjoint)));
                ops.push(op(OpKind::Attenuation(parts.transmissions)));
                if matrix.nrows() != matrix.ncols() {
                    ops.push(op(OpKind::Resize {
                        modes: matrix.nrows(),
                    }));
                }
                ops.push(op(OpKind::Unitary(parts.u)));
                if let Some(gain) = parts.gain {
                    ops.push(op(OpKind::Gain(gain)));
                }
            }
            LayerKind::Phase(phases) => {
                let wrapped = phases.iter().map(|&phi| normalize_phase(phi)).collect();
                ops.push(op(OpKind::Phase(wrapped)))
            }
            LayerKind::Permute(permutation) => {
                ops.push(op(OpKind::Permutation(permutation.clone())))
            }
            LayerKind::Activation(activation) => ops.push(op(OpKind::Activation(*activation))),
            LayerKind::Detect => ops.push(op(OpKind::Detect)),
            LayerKind::QubitUnitary { .. }
            | LayerKind::Circuit(_)
            | LayerKind::Perceptrons(_)
            | LayerKind::Measure => {
                unreachable!("the checker admits quantum layers only in quantum networks")
            }
        }
    }
    if network.output_detect {
        ops.push(Op {
            kind: OpKind::Detect,
            layer: "output".to_string(),
            span: network.output_span,
        });
    }
    log::info!(
        "lowered network `{}` to {} operations",
        network.name,
        ops.len()
    );
    Network {
        name: network.name.clone(),
        span: network.span,
        target: network.target.clone(),
        input: network.input.clone(),
        ops,
        qubits: 0,
        output_span: network.output_span,
    }
}
