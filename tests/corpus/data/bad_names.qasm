// Unknown names, wrong arities, indices out of range, repeated qubits and registers of
// different sizes.
OPENQASM 2.0;
include "qelib1.inc";
gate entangle a, b { h a; cx a, b; }
qreg q[2];
qreg r[3];
hadamard q[0];
entangle q[0];
rz q[1];
x q[2];
h s;
cx q[1], q[1];
cx q, r;
