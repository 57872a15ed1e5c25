//! Fuzzes the `.npy` reader: any bytes must give an array or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(array) = pnn::data::read_npy(data) {
        assert_eq!(array.data.len(), array.shape.iter().product::<usize>());
    }
});
