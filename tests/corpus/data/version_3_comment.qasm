/* An OpenQASM 3 program whose header follows a comment, as OpenQASM 3 allows. */
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
h q[0];
