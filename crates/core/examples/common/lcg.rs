//! The benchmarks' deterministic numbers (Knuth's MMIX LCG; the high bits
//! are good enough to pick names and candidates), shared by the seed
//! (`bench_seed`) and the ballot box (`ballots.rs`, also built into the
//! app's `src/bench.rs`), with no extra crates.

pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn bytes16(&mut self) -> [u8; 16] {
        let mut out = [0u8; 16];
        for chunk in out.chunks_mut(4) {
            chunk.copy_from_slice(&(self.next() as u32).to_le_bytes());
        }
        out
    }
}
