//! Layer merging: consecutive circuit operations of a quantum network become one, so that the
//! other passes can optimize across layer boundaries.
//!
//! Only circuits that follow each other directly merge; a `trace` or `measure` between them
//! keeps them apart. The merged operation takes the span covering its layers and the layer
//! names joined with `+`, as the photonic fusion pass names fused layers.

use crate::ir::{Network, Op, OpKind};

/// Merges every run of consecutive [`OpKind::Circuit`] operations into one.
pub fn merge_circuits(network: &mut Network) -> Vec<String> {
    let mut ops: Vec<Op> = Vec::with_capacity(network.ops.len());
    for op in network.ops.drain(..) {
        let (
            Some(Op {
                kind: OpKind::Circuit(previous),
                layer,
                span,
            }),
            OpKind::Circuit(next),
        ) = (ops.last_mut(), &op.kind)
        else {
            ops.push(op);
            continue;
        };
        let identity: Vec<usize> = (0..next.num_qubits).collect();
        previous.append_mapped(next, &identity);
        if !layer.split('+').any(|name| name == op.layer) {
            layer.push('+');
            layer.push_str(&op.layer);
        }
        *span = span.to(op.span);
    }
    network.ops = ops;
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::circuit::{Circuit, Gate};
    use crate::ir::{Input, QuantumTarget, Target};
    use crate::source::{FileId, Span};
    use crate::synthesize::basis::Basis;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start..end)
    }

    fn op(kind: OpKind, layer: &str, start: usize) -> Op {
        Op {
            kind,
            layer: layer.to_string(),
            span: span(start, start + 5),
        }
    }

    fn one_gate(gate: Gate, qubit: usize, phase: f64) -> OpKind {
        let mut circuit = Circuit::new(2);
        circuit.push(gate, &[qubit]);
        circuit.global_phase = phase;
        OpKind::Circuit(circuit)
    }

    fn network(ops: Vec<Op>) -> Network {
        Network {
            name: "n".to_string(),
            span: span(0, 100),
            target: Target::Quantum(QuantumTarget {
                basis: Basis::U3Cx,
                entangling: true,
                basis_text: "[u3, cx]".to_string(),
                span: span(0, 1),
            }),
            input: Input {
                name: "q".to_string(),
                width: 2,
                span: span(0, 1),
            },
            ops,
            qubits: 2,
            output_span: span(90, 95),
        }
    }

    #[test]
    fn consecutive_circuits_merge() {
        let mut network = network(vec![
            op(one_gate(Gate::X, 0, 0.5), "a", 10),
            op(one_gate(Gate::X, 1, 0.25), "b", 20),
            op(one_gate(Gate::H, 1, 0.0), "b", 30),
        ]);
        let unitary = crate::simulate::quantum::network_unitary(&network);
        merge_circuits(&mut network);
        assert_eq!(network.ops.len(), 1);
        assert_eq!(network.ops[0].layer, "a+b");
        assert_eq!(network.ops[0].span, span(10, 35));
        let OpKind::Circuit(circuit) = &network.ops[0].kind else {
            panic!("a circuit is expected");
        };
        assert_eq!(circuit.instructions.len(), 3);
        assert_eq!(circuit.global_phase, 0.75);
        let merged = crate::simulate::quantum::network_unitary(&network);
        assert!(crate::linalg::max_abs_diff(&merged, &unitary) < 1e-15);
    }

    #[test]
    fn trace_and_measure_separate_circuits() {
        let mut network = network(vec![
            op(one_gate(Gate::X, 0, 0.0), "a", 10),
            op(OpKind::Trace { keep: vec![1] }, "a", 10),
            op(one_gate(Gate::X, 1, 0.0), "b", 20),
            op(OpKind::Measure, "b", 90),
        ]);
        let before = network.ops.clone();
        merge_circuits(&mut network);
        assert_eq!(network.ops, before);
    }
}
