//! NumPy script emitter (being written).

use super::{Artifact, EmitError};
use crate::driver::Compilation;

pub fn emit(compilation: &Compilation) -> Result<Vec<Artifact>, EmitError> {
    Err(EmitError::Unsupported {
        network: compilation.stem.clone(),
        message: "the NumPy emitter is not written yet".into(),
    })
}
