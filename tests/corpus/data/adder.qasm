// A 2-bit ripple-carry adder: gate definitions, three registers, broadcasting, a barrier
// and parameter expressions.
OPENQASM 2.0;
include "qelib1.inc";

gate majority a, b, c {
  cx c, b;
  cx c, a;
  ccx a, b, c;
}
gate unmajority a, b, c {
  ccx a, b, c;
  cx c, a;
  cx a, b;
}
gate kick(theta) a {
  u1(theta / 2) a;
  rz(-theta ^ 2 / pi) a;
}

qreg carry[1];
qreg a[2];
qreg b[2];

x a;
barrier a, b;
majority carry[0], b[0], a[0];
majority a[0], b[1], a[1];
unmajority a[0], b[1], a[1];
unmajority carry[0], b[0], a[0];
kick(pi / 4) b;
