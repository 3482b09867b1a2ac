//! Cutting an input into chunks of given (or repeatable random) sizes, the way a host's reads
//! would: how every test checks that the output does not depend on chunking. Included with
//! `#[path]` by native tests, by the wasm suites (`tests/wasm_cases`) and by the fuzz harness
//! (`fuzz/src/lib.rs`), so it uses `std` only.
#![allow(dead_code)] // each includer uses a part

/// `input` cut into `sizes`, cycled; each chunk has at least one byte and the last may be
/// shorter. An empty `sizes` gives the whole input as one chunk.
pub fn chunks<'a>(input: &'a [u8], sizes: &'a [usize]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut sizes = sizes.iter().copied().cycle();
    let mut rest = input;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let size = sizes.next().unwrap_or(usize::MAX).clamp(1, rest.len());
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        Some(chunk)
    })
}

/// `count` sizes from 1 to `max`, random but repeatable: a small xorshift from `seed`.
pub fn random_sizes(seed: u64, count: usize, max: usize) -> Vec<usize> {
    let mut x = seed;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % max as u64) as usize + 1
        })
        .collect()
}
