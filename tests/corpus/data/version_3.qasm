// An OpenQASM 3 program: pnn reads only version 2.0.
OPENQASM 3;
include "stdgates.inc";
qubit[2] q;
h q[0];
