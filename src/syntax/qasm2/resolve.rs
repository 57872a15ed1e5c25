//! Registers of an OpenQASM 2 program and the resolution of statement arguments to qubits
//! and bits, with register broadcasting.

use std::collections::HashMap;

use super::ast::{Argument, Register};
use super::error::Qasm2Error;
use crate::source::Span;

#[derive(Debug, Clone)]
struct RegisterInfo {
    /// Index of the register's element 0 among all qubits (or all bits).
    offset: usize,
    size: usize,
    quantum: bool,
    /// The `qreg` or `creg` statement.
    span: Span,
}

/// The declared registers; qubits and bits are each numbered in declaration order.
#[derive(Debug, Default)]
pub struct Names {
    registers: HashMap<String, RegisterInfo>,
    /// The total size of the quantum registers.
    pub num_qubits: usize,
    num_bits: usize,
}

/// A resolved statement argument: one qubit or bit, or a whole register.
#[derive(Debug, Clone)]
pub struct Operand {
    name: String,
    span: Span,
    offset: usize,
    /// `Some(i)` for `name[i]`, `None` for the whole register.
    index: Option<usize>,
    size: usize,
}

impl Operand {
    pub fn is_register(&self) -> bool {
        self.index.is_none()
    }

    /// Returns the global qubit (or bit) index of this operand in broadcast round `round`.
    pub fn qubit(&self, round: usize) -> usize {
        self.offset + self.index.unwrap_or(round)
    }

    /// Returns `q[i]`, the operand's element in broadcast round `round`.
    fn describe(&self, round: usize) -> String {
        format!("{}[{}]", self.name, self.index.unwrap_or(round))
    }

    /// Returns the number of elements the operand is: 1, or the register size.
    fn width(&self) -> usize {
        match self.index {
            Some(_) => 1,
            None => self.size,
        }
    }
}

impl Names {
    /// Records a register; its name was checked to be new.
    pub fn declare(&mut self, register: &Register, quantum: bool) {
        let counter = if quantum {
            &mut self.num_qubits
        } else {
            &mut self.num_bits
        };
        let info = RegisterInfo {
            offset: *counter,
            size: register.size,
            quantum,
            span: register.span,
        };
        *counter = counter.saturating_add(register.size);
        self.registers.insert(register.name.name.clone(), info);
    }

    /// Returns the declaration of a register name.
    pub fn declaration(&self, name: &str) -> Option<Span> {
        self.registers.get(name).map(|info| info.span)
    }

    /// Resolves `q` or `q[i]` against the quantum (or classical) registers. Reports an unknown
    /// register, a register of the other kind and an index out of range.
    pub fn operand(
        &self,
        argument: &Argument,
        quantum: bool,
        errors: &mut Vec<Qasm2Error>,
    ) -> Option<Operand> {
        let name = &argument.register.name;
        let kind = if quantum {
            "quantum register"
        } else {
            "classical register"
        };
        let Some(info) = self.registers.get(name) else {
            let mut candidates: Vec<&str> = self
                .registers
                .iter()
                .filter(|(_, info)| info.quantum == quantum)
                .map(|(name, _)| name.as_str())
                .collect();
            candidates.sort();
            let declaration = if quantum { "qreg" } else { "creg" };
            let help = match closest(name, candidates.iter().copied()) {
                Some(candidate) => format!("did you mean `{candidate}`?"),
                None => format!("declare it first with `{declaration} {name}[…];`"),
            };
            errors.push(Qasm2Error::UnknownName {
                name: name.clone(),
                expected: kind,
                span: argument.register.span,
                help,
            });
            return None;
        };
        if info.quantum != quantum {
            let (expected, found) = if quantum {
                ("a quantum register", "classical register")
            } else {
                ("a classical register", "quantum register")
            };
            errors.push(Qasm2Error::WrongRegisterKind {
                name: name.clone(),
                expected,
                found,
                span: argument.register.span,
                declaration: info.span,
            });
            return None;
        }
        if let Some(index) = argument.index
            && index >= info.size
        {
            errors.push(Qasm2Error::IndexOutOfRange {
                register: name.clone(),
                index,
                size: info.size,
                span: argument.span,
                declaration: info.span,
            });
            return None;
        }
        Some(Operand {
            name: name.clone(),
            span: argument.span,
            offset: info.offset,
            index: argument.index,
            size: info.size,
        })
    }
}

/// Returns how many times a statement applies: the common size of its whole-register
/// operands, or 1 when every operand is a single element. Reports registers of different
/// sizes.
pub fn broadcast_size(operands: &[Operand], errors: &mut Vec<Qasm2Error>) -> Option<usize> {
    let mut registers = operands.iter().filter(|operand| operand.is_register());
    let Some(first) = registers.next() else {
        return Some(1);
    };
    for other in registers {
        if other.size != first.size {
            errors.push(size_mismatch(first, other));
            return None;
        }
    }
    Some(first.size)
}

fn size_mismatch(first: &Operand, second: &Operand) -> Qasm2Error {
    let label = |operand: &Operand| match operand.index {
        Some(index) => format!("{}[{index}]", operand.name),
        None => operand.name.clone(),
    };
    Qasm2Error::SizeMismatch {
        first: label(first),
        first_size: first.width(),
        first_span: first.span,
        second: label(second),
        second_size: second.width(),
        span: second.span,
    }
}

/// Reports `measure q -> c[0];` and `measure q[0] -> c;`: a measurement maps a register to a
/// register or one qubit to one bit.
pub fn measure_shape_mismatch(qubit: &Operand, bit: &Operand) -> Qasm2Error {
    size_mismatch(qubit, bit)
}

/// Reports the first operand that repeats an earlier one's qubit in one application.
pub fn repeated_qubit(qubits: &[usize], operands: &[Operand], round: usize) -> Option<Qasm2Error> {
    for (later, qubit) in qubits.iter().enumerate() {
        if let Some(first) = qubits[..later].iter().position(|other| other == qubit) {
            return Some(Qasm2Error::RepeatedQubit {
                qubit: operands[later].describe(round),
                span: operands[later].span,
                first: operands[first].span,
            });
        }
    }
    None
}

/// Returns the candidate within edit distance 2 of `name` that is closest, if any.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|&(distance, candidate)| {
            distance <= 2 && distance < name.len().max(candidate.len())
        })
        .min_by_key(|&(distance, candidate)| (distance, candidate))
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
