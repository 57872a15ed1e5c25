//! Lowering of quantum layers: qubit allocation and register-wide operations.
//!
//! The input qubits are `0 … m − 1` of the register. Each `perceptrons` layer allocates its
//! output qubits after every qubit allocated so far, so the register holds the input and every
//! layer's outputs, in layer order.

use crate::check::{CheckedNetwork, LayerKind};
use crate::ir::{Circuit, Op, OpKind};

/// Returns the register size a checked quantum network needs.
pub fn register_size(network: &CheckedNetwork) -> usize {
    network.input.width
        + network
            .layers
            .iter()
            .map(|layer| match &layer.kind {
                LayerKind::Perceptrons(unitaries) => unitaries.len(),
                _ => 0,
            })
            .sum::<usize>()
}

/// Lowers the layers of a quantum network into operations on a register of `qubits` qubits.
pub fn lower_layers(network: &CheckedNetwork, qubits: usize) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut live: Vec<usize> = (0..network.input.width).collect();
    let mut next_free = network.input.width;
    for layer in &network.layers {
        let op = |kind| Op {
            kind,
            layer: layer.name.clone(),
            span: layer.span,
        };
        match &layer.kind {
            LayerKind::QubitUnitary {
                matrix,
                qubits: relative,
            } => {
                let absolute = relative.iter().map(|&q| live[q]).collect();
                ops.push(op(OpKind::QubitUnitary {
                    matrix: matrix.clone(),
                    qubits: absolute,
                }));
            }
            LayerKind::Circuit(gates) => {
                let mut circuit = Circuit::new(qubits);
                for gate in gates {
                    let absolute: Vec<usize> = gate.qubits.iter().map(|&q| live[q]).collect();
                    circuit.push(gate.gate, &absolute);
                }
                ops.push(op(OpKind::Circuit(circuit)));
            }
            LayerKind::Perceptrons(unitaries) => {
                let outputs: Vec<usize> = (next_free..next_free + unitaries.len()).collect();
                next_free += unitaries.len();
                for (unitary, &output) in unitaries.iter().zip(&outputs) {
                    let mut operands = live.clone();
                    operands.push(output);
                    ops.push(op(OpKind::QubitUnitary {
                        matrix: unitary.clone(),
                        qubits: operands,
                    }));
                }
                ops.push(op(OpKind::Trace {
                    keep: outputs.clone(),
                }));
                live = outputs;
            }
            LayerKind::Measure => ops.push(op(OpKind::Measure)),
            other => {
                unreachable!("the checker admits no photonic layer {other:?} in a quantum network")
            }
        }
    }
    if network.output_measure {
        ops.push(Op {
            kind: OpKind::Measure,
            layer: "output".to_string(),
            span: network.output_span,
        });
    }
    ops
}
