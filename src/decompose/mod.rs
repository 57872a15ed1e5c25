//! Decomposition of unitaries into MZI meshes.
