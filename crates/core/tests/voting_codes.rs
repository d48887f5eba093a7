//! 投票码 themselves: drawn from a 31-letter alphabet (no 0, 1, I, L, O),
//! stored only as a per-round hash of their normal form, shown in two
//! groups of five.

use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use zhibu_core::ballot::{self, CODE_ALPHABET, CODE_LEN};
use zhibu_core::ids::RoundId;

fn rid(s: &str) -> RoundId {
    RoundId(s.into())
}

/// Deterministic "random" bytes (splitmix64), standing in for the CSPRNG.
fn random(seed: u64) -> [u8; 16] {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x2545_F491_4F6C_DD1D);
    let mut next = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&next().to_le_bytes());
    out[8..].copy_from_slice(&next().to_le_bytes());
    out
}

#[test]
fn codes_use_the_alphabet_only() {
    assert_eq!(CODE_ALPHABET.len(), 31);
    for c in b"01ILO" {
        assert!(!CODE_ALPHABET.contains(c), "{}", *c as char);
    }
    let mut inputs: Vec<[u8; 16]> = (0..2_000).map(random).collect();
    // Edge cases: bytes a rejection sampler would skip, and zeros.
    inputs.extend([[0xFF; 16], [0xF8; 16], [0; 16], [0xF7; 16]]);
    let mut half = [0xFFu8; 16];
    half[..8].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    inputs.push(half);
    let codes = ballot::make_codes(&inputs);
    assert_eq!(codes.len(), inputs.len());
    for (code, input) in codes.iter().zip(&inputs) {
        assert_eq!(code.len(), CODE_LEN, "{code:?} from {input:?}");
        assert!(code.bytes().all(|c| CODE_ALPHABET.contains(&c)), "{code}");
        assert_eq!(ballot::normalise_code(code), *code, "a code is already normal");
    }
    let distinct: BTreeSet<&String> = codes.iter().collect();
    assert_eq!(distinct.len(), codes.len(), "distinct random inputs give distinct codes");
    assert_eq!(ballot::make_codes(&inputs[..3]), codes[..3].to_vec(), "a function of its input");
    // Every character of the alphabet turns up.
    let used: BTreeSet<u8> = codes.iter().flat_map(|c| c.bytes()).collect();
    assert_eq!(used.len(), CODE_ALPHABET.len());
}

#[test]
fn code_hash_is_stable_per_round_and_normalised() {
    let r = rid("01KB0000000000000000000001");
    let h = ballot::code_hash(&r, "ABCDEFGHJK");
    let expected: String = Sha256::digest(format!("zhibu-ballot-code\n{r}\nABCDEFGHJK").as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(h, expected, "a stable, documented construction");
    assert_eq!(h.len(), 32);
    for typed in ["abcdefghjk", "ABCDE-FGHJK", "abcde fghjk", " AbCdE - fGhJk\t", "A-B-C-D-E-F-G-H-J-K"] {
        assert_eq!(ballot::code_hash(&r, typed), h, "{typed:?}");
    }
    assert_ne!(ballot::code_hash(&rid("01KB0000000000000000000002"), "ABCDEFGHJK"), h, "per round");
    assert_ne!(ballot::code_hash(&r, "ABCDEFGHJM"), h);
    // Only the hash is stored: the code is not in it.
    assert!(!h.to_uppercase().contains("ABCDEFGHJK"));
}

#[test]
fn display_code_groups_five_and_five() {
    assert_eq!(ballot::display_code("ABCDEFGHJK"), "ABCDE-FGHJK");
    assert_eq!(ballot::display_code("abcde fghjk"), "ABCDE-FGHJK");
    assert_eq!(ballot::display_code("AB-CDE-FGHJK"), "ABCDE-FGHJK");
    assert_eq!(ballot::display_code("ABC"), "ABC", "a wrong length is shown as typed, normalised");
    for code in ballot::make_codes(&(0..50).map(random).collect::<Vec<_>>()) {
        let shown = ballot::display_code(&code);
        assert_eq!(shown.len(), CODE_LEN + 1);
        assert_eq!(shown.replace('-', ""), code);
        assert_eq!(&shown[5..6], "-");
    }
}
