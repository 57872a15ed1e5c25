// Three statements that a unitary circuit cannot contain.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
measure q[0] -> c[0];
cx q[0], q[1];
reset q[1];
if (c == 1) x q[1];
