//! Buckets: flagd's `fractional` (MurmurHash3 of the CBOR of the bucketing value), the
//! legacy string hash, rollout thresholds and split buckets.

use super::*;

/// The number of rollout buckets: a rollout percentage with three decimals is a whole number
/// of buckets (`rollout × 1000`).
pub const BUCKETS: u32 = 100_000;

/// MurmurHash3 x86 32-bit (Austin Appleby's reference `MurmurHash3_x86_32`).
pub fn murmur3_x86_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, b) in tail.iter().enumerate() {
            k |= u32::from(*b) << (8 * i);
        }
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    }
    // The length is mixed in modulo 2^32, as the reference does with its `int len`.
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// Canonical (RFC 8949 §4.2.1, shortest-form) CBOR of the array `[flag_key, targeting_key]`:
/// flagd's bucketing value.
pub fn bucketing_value(flag_key: &str, targeting_key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(flag_key.len() + targeting_key.len() + 19);
    out.push(0x82); // array of two items
    for s in [flag_key, targeting_key] {
        cbor_text_header(s.len() as u64, &mut out);
        out.extend_from_slice(s.as_bytes());
    }
    out
}

/// The head of a CBOR text string (major type 3) of `len` bytes, in its shortest form.
pub(super) fn cbor_text_header(len: u64, out: &mut Vec<u8>) {
    const TEXT: u8 = 0x60;
    if len < 24 {
        out.push(TEXT | len as u8);
    } else if let Ok(l) = u8::try_from(len) {
        out.extend_from_slice(&[TEXT | 24, l]);
    } else if let Ok(l) = u16::try_from(len) {
        out.push(TEXT | 25);
        out.extend_from_slice(&l.to_be_bytes());
    } else if let Ok(l) = u32::try_from(len) {
        out.push(TEXT | 26);
        out.extend_from_slice(&l.to_be_bytes());
    } else {
        out.push(TEXT | 27);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// The user's rollout bucket for a flag, `0..BUCKETS`: flagd's `fractional` with a total
/// weight of 100000.
pub fn bucket(flag_key: &str, targeting_key: &str) -> u32 {
    let hash = murmur3_x86_32(&bucketing_value(flag_key, targeting_key), 0);
    // < BUCKETS, so the cast cannot truncate.
    ((u64::from(hash) * u64::from(BUCKETS)) >> 32) as u32
}

/// MurmurHash3 x86 32-bit (seed 0) exactly as JavaScript's `imurmurhash` 0.1.4 computes it
/// over a string's UTF-16 code units, which is what legacy flagd evaluators hash
/// (`@openfeature/flagd-core` 4.x hashes `flagKey + targetingKey` so). For ASCII it is the
/// reference hash of the bytes; beyond ASCII it keeps that library's quirks: a code unit
/// counts as one "byte" whose high bits spill into its neighbours' (the fourth of a block
/// swaps its two bytes), the length is the number of code units, and a tail whose 32-bit
/// value has its sign bit set is left out of the hash.
pub fn legacy_murmur3_utf16(units: &[u16]) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h: u32 = 0;
    let mut blocks = units.chunks_exact(4);
    for b in &mut blocks {
        let [c0, c1, c2, c3] = [b[0], b[1], b[2], b[3]].map(u32::from);
        let k = c0 ^ (c1 << 8) ^ (c2 << 16) ^ ((c3 & 0xff) << 24) ^ ((c3 & 0xff00) >> 8);
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let mut k: u32 = 0;
    for (i, c) in blocks.remainder().iter().enumerate() {
        k ^= u32::from(*c) << (8 * i);
    }
    // `if (k1 > 0)` on a signed 32-bit value in the library.
    if (k as i32) > 0 {
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    }
    h ^= units.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// The user's rollout bucket for a flag with the repository's bucketing (`bucketing` in
/// `flags.yaml`): [`bucket()`] for `flagd`, the hash of the string `flagKey + targetingKey`
/// ([`legacy_murmur3_utf16`]) for `legacy`. Both scale the hash to `0..BUCKETS` alike.
pub fn bucket_with(bucketing: Bucketing, flag_key: &str, targeting_key: &str) -> u32 {
    match bucketing {
        Bucketing::Flagd => bucket(flag_key, targeting_key),
        Bucketing::Legacy => {
            let units: Vec<u16> = flag_key
                .encode_utf16()
                .chain(targeting_key.encode_utf16())
                .collect();
            let hash = legacy_murmur3_utf16(&units);
            ((u64::from(hash) * u64::from(BUCKETS)) >> 32) as u32
        }
    }
}

/// The bucketing `flags.yaml` asks for (`flagd` when it says nothing or cannot be read).
pub fn repo_bucketing(repo: &Repo) -> Bucketing {
    repo.settings
        .as_ref()
        .map(|s| s.def.bucketing)
        .unwrap_or_default()
}

/// The number of buckets a rollout percentage turns on (`rollout × 1000`, clamped to 0..=100000).
pub fn threshold(rollout: f64) -> u32 {
    if rollout.is_nan() || rollout <= 0.0 {
        0
    } else if rollout >= 100.0 {
        BUCKETS
    } else {
        // In 0..=100000 here, so the cast is exact.
        (rollout * 1000.0).round() as u32
    }
}

/// The variant a split bucket falls in: ranges of `weights` in order.
pub fn pick_split(weights: &[(String, u32)], bucket: u32) -> Option<&str> {
    let mut start = 0u32;
    for (v, w) in weights {
        if bucket < start.saturating_add(*w) {
            return Some(v);
        }
        start = start.saturating_add(*w);
    }
    None
}

/// The split's bucketing value: the text `"{flag_key}/split/{targeting_key}"`. A second,
/// salted value, so a user's variant does not depend on their rollout bucket (a 10 % rollout
/// of a 50/50 split serves about 5 % each), and written with the flag's key itself so that a
/// prerequisite's split inlined in another flag buckets as in its own flag.
pub fn split_key(flag_key: &str, targeting_key: &str) -> String {
    format!("{flag_key}{SPLIT_SALT}{targeting_key}")
}

/// What separates the flag key from the targeting key in [`split_key`].
pub const SPLIT_SALT: &str = "/split/";

/// A user's split bucket, `0..total`: flagd's `fractional` with the explicit bucketing value
/// [`split_key`], which flagd hashes as its canonical CBOR text string.
pub fn split_bucket(flag_key: &str, targeting_key: &str, total: u32) -> u32 {
    split_bucket_with(Bucketing::Flagd, flag_key, targeting_key, total)
}

/// [`split_bucket`] with the repository's bucketing: `legacy` evaluators hash the text of
/// the bucketing value itself ([`legacy_murmur3_utf16`]) rather than its CBOR encoding.
pub fn split_bucket_with(
    bucketing: Bucketing,
    flag_key: &str,
    targeting_key: &str,
    total: u32,
) -> u32 {
    let text = split_key(flag_key, targeting_key);
    let hash = match bucketing {
        Bucketing::Flagd => {
            let mut cbor = Vec::with_capacity(text.len() + 9);
            cbor_text_header(text.len() as u64, &mut cbor);
            cbor.extend_from_slice(text.as_bytes());
            murmur3_x86_32(&cbor, 0)
        }
        Bucketing::Legacy => legacy_murmur3_utf16(&text.encode_utf16().collect::<Vec<u16>>()),
    };
    ((u64::from(hash) * u64::from(total)) >> 32) as u32
}
