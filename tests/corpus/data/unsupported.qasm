// An include other than qelib1.inc, and a call of an opaque gate.
OPENQASM 2.0;
include "qelib1.inc";
include "extra.inc";
opaque magic(theta) a, b;
qreg q[2];
magic(pi) q[0], q[1];
