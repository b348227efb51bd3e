//! 近似重复文本检测：责任书、承诺书等“内容雷同”“照抄照搬”的发现与比对（纯计算，无 IO）。
//! 凡是可能被照抄的文本都用它（见 docs/decisions/0007-letter-copy-detection.md）。
//!
//! 方法：规范化文本（去空白和标点、全角转半角、小写）→ 5 字符片段（shingle）
//! 的 64 位哈希集合 → MinHash 签名（128 个值）→ 32 个 LSH 分段键（每段 4 行）。
//! 分段键相同的文档成为候选对，候选对再经草图粗筛、用精确 Jaccard 确认。
//!
//! - 单篇核查：[`signature_outside`]（或 [`shingles_outside`] + [`minhash`]）得到签名，
//!   按篇存储（[`Signature::to_le_bytes`]，512 字节）；核查一篇时由同年各篇的签名算出
//!   [`band_keys`]，与本篇有相同分段键且 [`may_reach`] 的为候选，再用 [`jaccard`] 确认；
//! - 批量核查（内存中，一年的全部责任书，各自排除模板与共性内容）：
//!   [`similar_pairs_of_texts`]；
//! - 人工比对：[`shared_passages`] 找出两篇文本的相同段落，[`highlight_html`] 标亮，
//!   [`side_by_side`] 两者合一（左右对照页面用）；
//! - 测试与基准：`synthetic_letters`（cargo feature `synthetic`）。
//!
//! MinHash 采用“单次置换”（one permutation hashing）加最优稠密化
//! （Shrivastava, ICML 2017）：每个片段只哈希一次，按高 7 位分到 128 个桶，
//! 每桶取最小值；空桶按固定的伪随机序列从非空桶复制。每个位置两篇文档取值相同的
//! 概率仍为 Jaccard 相似度，而计算量是 128 次独立置换的约百分之一。
//!
//! 所有哈希均为固定常数的 64 位混合函数，跨进程、跨机器结果一致。算法或常数一旦
//! 改变，已存储的签名全部失效，须同时递增 [`SCHEME`] 并重新计算。

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use rayon::prelude::*;

#[cfg(any(test, feature = "synthetic"))]
mod synthetic;
#[cfg(any(test, feature = "synthetic"))]
pub use synthetic::{Doc, synthetic_letters};

/// 片段长度（规范化后的字符数）。
pub const SHINGLE: usize = 5;
/// MinHash 签名长度。
pub const NUM_HASHES: usize = 128;
/// LSH 分段数。
pub const BANDS: usize = 32;
/// 每段的行数：`NUM_HASHES / BANDS` = 4。Jaccard 为 `s` 的两篇文档至少有一段
/// 相同的概率为 `1 - (1 - s⁴)³²`（0.5 → 0.873，0.7 → 0.99985，0.8 → 1 - 5×10⁻⁸）。
pub const ROWS: usize = NUM_HASHES / BANDS;
/// 片段哈希、MinHash、分段键算法的版本号。存储分段键时一并记录，版本不同即须重算。
pub const SCHEME: u32 = 1;
/// 建议的雷同阈值（精确 Jaccard）。独立撰写但用语相近的责任书通常在 0.1～0.4，
/// 只改了姓名、单位、个别句子的抄件在 0.75 以上；LSH 在 0.7 处漏检概率约 1.5×10⁻⁴。
pub const DEFAULT_THRESHOLD: f64 = 0.7;

// 单次置换把高 7 位作为桶号，要求恰好 128 个桶。
const _: () = assert!(NUM_HASHES == 128 && BANDS * ROWS == NUM_HASHES);

const SHINGLE_SEED: u64 = 0x6c69_616e_7a68_656e; // "lianzhen"
const OPH_SEED: u64 = 0x9e37_79b9_7f4a_7c15;
const DENSIFY_SEED: u64 = 0xd1b5_4a32_d192_ed03;
const BAND_SEED: u64 = 0x8cb9_2ba7_2f3d_8dd7;
const CONTENT_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// MurmurHash3 的 64 位终混函数（双射）。
#[inline]
pub(crate) const fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

// ---------------------------------------------------------------------------
// 规范化与片段
// ---------------------------------------------------------------------------

/// 单个字符的规范化：保留汉字、字母、数字（全角转半角、小写），其余返回 `None`。
/// 一个原字符至多对应一个规范化字符，因此规范化位置到原文位置的映射严格递增。
#[inline]
fn norm_char(c: char) -> Option<char> {
    let u = c as u32;
    if u < 0x80 {
        let b = u as u8;
        return b.is_ascii_alphanumeric().then(|| char::from(b.to_ascii_lowercase()));
    }
    if (0x4E00..=0x9FFF).contains(&u) {
        return Some(c);
    }
    if (0xFF01..=0xFF5E).contains(&u) {
        // 全角 ASCII：！～ → !~
        let b = (u - 0xFEE0) as u8;
        return b.is_ascii_alphanumeric().then(|| char::from(b.to_ascii_lowercase()));
    }
    if !c.is_alphanumeric() {
        return None;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        _ => Some(c), // 小写会变成多个字符的（如 'İ'）保持原样
    }
}

/// 规范化字符及其在原文中的字符位置。
fn normalized(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    text.chars().enumerate().filter_map(|(i, c)| norm_char(c).map(|n| (i, n)))
}

/// 规范化：去掉空白和标点符号（中英文），全角字母数字转半角，字母转小写；
/// 保留汉字、字母、数字。
///
/// `normalize("２０２６年，  党风廉政ＡＢＣ！")` == `"2026年党风廉政abc"`。
pub fn normalize(text: &str) -> String {
    normalized(text).map(|(_, c)| c).collect()
}

/// `normalize(text).contains(phrase)`，`phrase` 须已规范化。短语以汉字开头时（汉字只能
/// 由它自己规范化而来）只在原文中该字出现处逐个比对，不必规范化全文。
pub fn contains_normalized(text: &str, phrase: &str) -> bool {
    let Some(first) = phrase.chars().next() else {
        return true;
    };
    if !(0x4E00..=0x9FFF).contains(&u32::from(first)) {
        return normalize(text).contains(phrase);
    }
    text.match_indices(first).any(|(at, _)| {
        let mut rest = text[at..].chars().filter_map(norm_char);
        phrase.chars().all(|p| rest.next() == Some(p))
    })
}

fn normalize_with_map(text: &str) -> (Vec<char>, Vec<usize>) {
    normalized(text).map(|(i, c)| (c, i)).unzip()
}

/// 一个片段的哈希。片段的 5 个字符（码位至多 21 位）打包为 `lo`（前 3 个，63 位）
/// 与 `hi`（后 2 个，42 位）；不足 5 个字符时左侧补 0。
#[inline]
fn hash_packed(lo: u64, hi: u64) -> u64 {
    let a = (lo ^ SHINGLE_SEED).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let b = hi.wrapping_mul(0xc2b2_ae3d_27d4_eb4f).rotate_left(29);
    fmix64(a ^ b)
}

const CHAR_MASK: u64 = (1 << 21) - 1;

/// 逐个产生片段哈希（按出现顺序，可能重复），返回规范化字符数。
/// 规范化后不足 5 个字符（但非空）的文本产生一个片段。
fn for_each_shingle(text: &str, mut f: impl FnMut(u64)) -> usize {
    shingles_while(text, |h| {
        f(h);
        true
    })
}

/// 同 [`for_each_shingle`]，回调返回 `false` 即停止。
fn shingles_while(text: &str, mut f: impl FnMut(u64) -> bool) -> usize {
    let (mut lo, mut hi) = (0u64, 0u64);
    let mut n = 0usize;
    for c in text.chars().filter_map(norm_char) {
        lo = (lo >> 21) | ((hi & CHAR_MASK) << 42);
        hi = (hi >> 21) | (u64::from(c) << 21);
        n += 1;
        if n >= SHINGLE && !f(hash_packed(lo, hi)) {
            return n;
        }
    }
    if (1..SHINGLE).contains(&n) {
        f(hash_packed(lo, hi));
    }
    n
}

/// 每个位置起始的片段哈希（`chars.len() - 4` 个），与 [`for_each_shingle`] 一致。
fn window_hashes(chars: &[char]) -> Vec<u64> {
    chars
        .windows(SHINGLE)
        .map(|w| {
            let c = |k: usize| u64::from(w[k]);
            hash_packed(c(0) | (c(1) << 21) | (c(2) << 42), c(3) | (c(4) << 21))
        })
        .collect()
}

/// 规范化文本的 5 字符片段哈希，升序、去重。规范化后为空的文本返回空集合；
/// 不足 5 个字符的返回一个片段。
pub fn shingles(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 3);
    for_each_shingle(text, |h| out.push(h));
    out.sort_unstable();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------
// MinHash
// ---------------------------------------------------------------------------

/// MinHash 签名。空集合的签名所有位置均为 `u32::MAX`（见 [`Signature::is_empty`]）。
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature(pub [u32; NUM_HASHES]);

impl Signature {
    /// 空集合（规范化后没有任何字符的文本）的签名。
    pub const EMPTY: Signature = Signature([u32::MAX; NUM_HASHES]);

    /// 是否为空集合的签名。
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&v| v == u32::MAX)
    }

    /// 小端序 512 字节，便于作为 BLOB 存储。
    pub fn to_le_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// 从 [`Signature::to_le_bytes`] 的结果还原；长度不是 512 字节时返回 `None`。
    pub fn from_le_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != NUM_HASHES * 4 {
            return None;
        }
        let mut out = [0u32; NUM_HASHES];
        for (v, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
            *v = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        Some(Signature(out))
    }
}

/// 单次置换 MinHash 的累加器。
struct Oph {
    bins: [u32; NUM_HASHES],
    filled: u128,
}

impl Oph {
    fn new() -> Self {
        Oph { bins: [u32::MAX; NUM_HASHES], filled: 0 }
    }

    #[inline]
    fn add(&mut self, shingle: u64) {
        // 输入已是混合充分的片段哈希，一次乘法足以打散高位。
        let p = (shingle ^ OPH_SEED).wrapping_mul(0xd6e8_feb8_6659_fd93);
        let bin = (p >> 57) as usize; // 高 7 位：桶号
        let value = (p >> 25) as u32; // 其后 32 位：桶内的值
        self.filled |= 1u128 << bin;
        if value < self.bins[bin] {
            self.bins[bin] = value;
        }
    }

    /// 稠密化后的签名与非空桶数。
    fn finish(self) -> (Signature, u32) {
        let nonempty = self.filled.count_ones();
        if nonempty == 0 {
            return (Signature::EMPTY, 0);
        }
        let mut out = self.bins;
        for (i, slot) in out.iter_mut().enumerate() {
            if (self.filled >> i) & 1 == 1 {
                continue;
            }
            // 最优稠密化：空桶 i 按固定序列 h(i, 1), h(i, 2), … 探查，复制第一个非空桶的值。
            let mut source = None;
            for attempt in 0..4096u64 {
                let j = (fmix64(DENSIFY_SEED ^ ((i as u64) << 32) ^ attempt) >> 57) as usize;
                if (self.filled >> j) & 1 == 1 {
                    source = Some(j);
                    break;
                }
            }
            // 概率可忽略的兜底：向后找最近的非空桶（非空桶至少有一个）。
            let j = source.unwrap_or_else(|| (1..NUM_HASHES).map(|d| (i + d) % NUM_HASHES).find(|&j| (self.filled >> j) & 1 == 1).unwrap_or(i));
            *slot = self.bins[j];
        }
        (Signature(out), nonempty)
    }
}

/// 片段集合的 MinHash 签名（确定性；输入无须排序，重复无影响）。空集合得到
/// [`Signature::EMPTY`]。
pub fn minhash(shingles: &[u64]) -> Signature {
    let mut oph = Oph::new();
    for &s in shingles {
        oph.add(s);
    }
    oph.finish().0
}

fn band_keys_array(sig: &Signature) -> [u64; BANDS] {
    let mut keys = [0u64; BANDS];
    for (b, (key, rows)) in keys.iter_mut().zip(sig.0.chunks_exact(ROWS)).enumerate() {
        let x = u64::from(rows[0]) | (u64::from(rows[1]) << 32);
        let y = u64::from(rows[2]) | (u64::from(rows[3]) << 32);
        let seed = fmix64(BAND_SEED ^ b as u64);
        *key = fmix64(fmix64(x ^ seed) ^ y.wrapping_mul(0xc2b2_ae3d_27d4_eb4f));
    }
    keys
}

/// `BANDS` 个分段键：第 b 个键混合了段号 b 与签名第 4b～4b+3 个值，
/// 因此不同段的键不会相互碰撞，可以放在同一列里。存入 SQLite 时用 `key as i64`
/// （按位转换，无损）。
pub fn band_keys(sig: &Signature) -> Vec<u64> {
    band_keys_array(sig).to_vec()
}

/// 两篇的精确 Jaccard 是否可能达到 `threshold`：签名中取值相同的比例不低于
/// “阈值 − 6 倍标准差”（与批量核查的粗筛同一标准，真实 Jaccard 达到阈值的一对被排除的
/// 概率约 10⁻⁹）。标准差按两篇中较少的独立取样数（签名中不同取值的个数，即稠密化前的
/// 非空桶数）计算。单篇核查时，共用套话的文书常有上千篇与本篇同一分段键，先用它筛掉，
/// 只为余下的取全文做精确比较。任一方为空签名时为 `false`。
pub fn may_reach(a: &Signature, b: &Signature, threshold: f64) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let t = threshold.clamp(0.0, 1.0);
    let samples = distinct_values(a).min(distinct_values(b)).max(1);
    let cutoff = t - 6.0 * (t * (1.0 - t) / f64::from(samples)).sqrt();
    f64::from(matches(a, b)) >= cutoff * NUM_HASHES as f64
}

/// 签名中不同取值的个数。稠密化只复制非空桶的值，而不同桶的最小值（32 位）几乎不会
/// 相同，故它就是非空桶数（偶有相同只会让它偏小，筛得更宽）。
fn distinct_values(sig: &Signature) -> u32 {
    let mut v = sig.0;
    v.sort_unstable();
    1 + v.windows(2).filter(|w| w[0] != w[1]).count() as u32
}

#[inline]
fn matches(a: &Signature, b: &Signature) -> u32 {
    a.0.iter().zip(&b.0).map(|(x, y)| u32::from(x == y)).sum()
}

/// 精确 Jaccard 相似度 |A∩B| / |A∪B|。输入须为升序、去重的片段集合（[`shingles`]
/// 的结果）。两个空集合返回 0（没有可比较的内容，不视为雷同）。
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut inter) = (0usize, 0usize, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        inter += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    let union = a.len() + b.len() - inter;
    if union == 0 { 0.0 } else { inter as f64 / union as f64 }
}

// ---------------------------------------------------------------------------
// 相同段落与标亮
// ---------------------------------------------------------------------------

/// 两篇文本的一处相同段落，字符位置（不是字节位置），左闭右开。
/// 范围取自原文，包括段落内部的标点和空白。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passage {
    pub a_start: usize,
    pub a_end: usize,
    pub b_start: usize,
    pub b_end: usize,
}

/// 两篇文本中相同的段落，供左右对照标亮。
///
/// 在规范化文本上做“贪心串覆盖”（greedy string tiling，抄袭检测的常用算法）：
/// 反复取两边都还未被覆盖的最长公共子串，直到没有长度 ≥ `max(min_chars, 5)`
/// 的为止。因此返回的段落两两不重叠（在 a 中、在 b 中都不重叠），一处文字至多
/// 对应另一篇中的一处，反复出现的套话不会交叉配对。长度按规范化字符计，
/// 标点和空白不计。结果按 `a_start` 排序。
///
/// 最坏耗时与两篇长度之积成正比（大量重复的文本），一般接近线性。
pub fn shared_passages(a: &str, b: &str, min_chars: usize) -> Vec<Passage> {
    let (ca, ma) = normalize_with_map(a);
    let (cb, mb) = normalize_with_map(b);
    let min_len = min_chars.max(SHINGLE);
    if ca.len() < min_len || cb.len() < min_len {
        return Vec::new();
    }
    let ha = window_hashes(&ca);
    let mut hb: Vec<(u64, usize)> = window_hashes(&cb).into_iter().enumerate().map(|(j, h)| (h, j)).collect();
    hb.sort_unstable();

    // 所有极大公共子串（向左不能再延伸的起点），长度 ≥ min_len。
    let mut heap: BinaryHeap<(usize, Reverse<usize>, Reverse<usize>)> = BinaryHeap::new();
    for (i, &h) in ha.iter().enumerate() {
        let from = hb.partition_point(|&(x, _)| x < h);
        for &(x, j) in &hb[from..] {
            if x != h {
                break;
            }
            if i > 0 && j > 0 && ca[i - 1] == cb[j - 1] {
                continue; // 属于从更左边开始的同一段
            }
            let len = ca[i..].iter().zip(&cb[j..]).take_while(|(x, y)| x == y).count();
            if len >= min_len {
                heap.push((len, Reverse(i), Reverse(j)));
            }
        }
    }

    // 贪心覆盖：堆中长度是上界，取出时若已有部分被覆盖，就把剩余的空闲片段放回。
    let mut used_a = vec![false; ca.len()];
    let mut used_b = vec![false; cb.len()];
    let mut out = Vec::new();
    while let Some((len, Reverse(i), Reverse(j))) = heap.pop() {
        let free = |k: usize| !used_a[i + k] && !used_b[j + k];
        if (0..len).all(free) {
            used_a[i..i + len].fill(true);
            used_b[j..j + len].fill(true);
            out.push(Passage { a_start: ma[i], a_end: ma[i + len - 1] + 1, b_start: mb[j], b_end: mb[j + len - 1] + 1 });
            continue;
        }
        let mut k = 0;
        while k < len {
            if !free(k) {
                k += 1;
                continue;
            }
            let start = k;
            while k < len && free(k) {
                k += 1;
            }
            if k - start >= min_len {
                heap.push((k - start, Reverse(i + start), Reverse(j + start)));
            }
        }
    }
    out.sort_unstable_by_key(|p| (p.a_start, p.b_start));
    out
}

/// 左右对照的结果：两篇文本各自标亮相同段落后的 HTML，以及左侧被标亮的字符数。
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideBySide {
    pub left_html: String,
    pub right_html: String,
    pub shared_chars: usize,
}

/// 人工比对页面用：[`shared_passages`]（段落至少 `min_chars` 个规范化字符）+ [`highlight_html`]，
/// 责任书的雷同对照与述责述廉报告的比对共用这一处。
pub fn side_by_side(a: &str, b: &str, min_chars: usize) -> SideBySide {
    let passages = shared_passages(a, b, min_chars);
    let left: Vec<(usize, usize)> = passages.iter().map(|p| (p.a_start, p.a_end)).collect();
    let right: Vec<(usize, usize)> = passages.iter().map(|p| (p.b_start, p.b_end)).collect();
    let shared_chars = left.iter().map(|(s, e)| e - s).sum();
    SideBySide { left_html: highlight_html(a, &left), right_html: highlight_html(b, &right), shared_chars }
}

/// 生成 HTML：转义 `& < > " '`，并把给定的字符区间（字符位置，左闭右开；可重叠、
/// 可无序、超出文本长度的部分忽略）包在 `<mark>…</mark>` 中。重叠或首尾相接的区间
/// 合并为一个 `<mark>`。换行原样保留（页面上用 `white-space: pre-wrap` 显示）。
pub fn highlight_html(text: &str, ranges: &[(usize, usize)]) -> String {
    let n = text.chars().count();
    let mut rs: Vec<(usize, usize)> = ranges.iter().map(|&(s, e)| (s.min(n), e.min(n))).filter(|(s, e)| s < e).collect();
    rs.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(rs.len());
    for (s, e) in rs {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }

    let mut out = String::with_capacity(text.len() + merged.len() * 13);
    let mut next = merged.iter().peekable();
    let mut open_until: Option<usize> = None;
    for (i, c) in text.chars().enumerate() {
        if open_until == Some(i) {
            out.push_str("</mark>");
            open_until = None;
        }
        if let Some(&&(s, e)) = next.peek()
            && s == i
        {
            out.push_str("<mark>");
            open_until = Some(e);
            next.next();
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    if open_until.is_some() {
        out.push_str("</mark>");
    }
    out
}

// ---------------------------------------------------------------------------
// 批量核查
// ---------------------------------------------------------------------------

/// 一对相似文档。`a` 在输入中排在 `b` 之前；`jaccard` 为精确值。
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub a: i64,
    pub b: i64,
    pub jaccard: f64,
}

/// 排除的片段（统一模板、共性条目等），构造一次供多篇共用。查询先看 65,536 位的
/// 位图（片段哈希已充分混合，取高 16 位），命中才二分查找：几千个片段时，不在其中的
/// 片段九成以上只需一次位测试。
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusion {
    sorted: Vec<u64>,
    bits: Vec<u64>,
}

const EXCLUSION_BITS: usize = 1 << 16;

impl Exclusion {
    /// 由片段哈希构造（无须排序，重复无影响）。
    pub fn new(shingles: impl IntoIterator<Item = u64>) -> Exclusion {
        let mut sorted: Vec<u64> = shingles.into_iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.is_empty() {
            return Exclusion::default();
        }
        let mut bits = vec![0u64; EXCLUSION_BITS / 64];
        for &h in &sorted {
            let b = (h >> 48) as usize;
            bits[b / 64] |= 1 << (b % 64);
        }
        Exclusion { sorted, bits }
    }

    /// 什么都不排除。
    pub fn none() -> Exclusion {
        Exclusion::default()
    }

    #[inline]
    pub fn contains(&self, h: u64) -> bool {
        if self.sorted.is_empty() {
            return false;
        }
        let b = (h >> 48) as usize;
        (self.bits[b / 64] >> (b % 64)) & 1 == 1 && self.sorted.binary_search(&h).is_ok()
    }
}

/// 按各自的排除集合比较的一篇文本（见 [`similar_pairs_of_texts`]）。
#[derive(Debug, Clone, Copy)]
pub struct TextDoc<'a> {
    pub id: i64,
    pub text: &'a str,
    pub exclude: &'a Exclusion,
}

/// `text` 中不在 `exclude` 里的不同片段个数，数到 `limit` 即停（用于“去掉模板后
/// 还剩多少自己的内容”一类判断，不必算出整个集合）。
pub fn count_outside(text: &str, exclude: &Exclusion, limit: usize) -> usize {
    if limit == 0 {
        return 0;
    }
    let mut seen: Vec<u64> = Vec::with_capacity(limit.min(64));
    shingles_while(text, |h| {
        if !exclude.contains(h) && !seen.contains(&h) {
            seen.push(h);
        }
        seen.len() < limit
    });
    seen.len()
}

/// `shingles(text)` 去掉 `exclude` 中的片段（升序、去重）。
pub fn shingles_outside(text: &str, exclude: &Exclusion) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 3);
    for_each_shingle(text, |h| {
        if !exclude.contains(h) {
            out.push(h);
        }
    });
    out.sort_unstable();
    out.dedup();
    out
}

/// `minhash(&shingles_outside(text, exclude))`，但不排序、不分配。
pub fn signature_outside(text: &str, exclude: &Exclusion) -> Signature {
    let mut oph = Oph::new();
    for_each_shingle(text, |h| {
        if !exclude.contains(h) {
            oph.add(h);
        }
    });
    oph.finish().0
}

/// 批量核查的输入：各篇的文本与各自的排除集合。
struct Source<'a>(&'a [TextDoc<'a>]);

impl Source<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn id(&self, i: usize) -> i64 {
        self.0[i].id
    }

    /// 第 i 篇的片段（可能重复、无序）。
    fn for_each(&self, i: usize, mut f: impl FnMut(u64)) {
        let d = &self.0[i];
        for_each_shingle(d.text, |h| {
            if !d.exclude.contains(h) {
                f(h);
            }
        });
    }

    /// 第 i 篇的片段集合（升序、去重）。
    fn set(&self, i: usize) -> Vec<u64> {
        shingles_outside(self.0[i].text, self.0[i].exclude)
    }

    /// 第 i、j 篇的片段集合是否必然相同（同一排除集合下规范化文本相同，或逐个相等）。
    fn same(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.0[i], &self.0[j]);
        if std::ptr::eq(a.exclude, b.exclude) { same_normalized(a.text, b.text) } else { self.set(i) == self.set(j) }
    }
}

/// 批量核查的中间结果：片段集合完全相同的文档只留一个代表，每个代表一个签名。
struct Reps {
    /// 代表的文档下标。
    doc: Vec<usize>,
    keys: Vec<[u64; BANDS]>,
    /// 签名每个值的最低 2 位（共 256 位），用于第一道粗筛。
    sketch: Vec<[u64; 4]>,
    /// 非空桶数（签名中独立取样的个数），用于确定粗筛的容差。
    filled: Vec<u32>,
    /// 1,024 桶的细草图，用于第二道粗筛。
    fine: Vec<Fine>,
    /// 与代表片段集合完全相同的其他文档下标（Jaccard 恰为 1）。
    copies: Vec<Vec<usize>>,
}

impl Reps {
    /// 代表，以及每篇文档（按输入顺序）的签名；没有可比较内容的为 [`Signature::EMPTY`]。
    fn build(source: &Source) -> (Reps, Vec<Signature>) {
        let n = source.len();
        let mut reps = Reps { doc: Vec::with_capacity(n), keys: Vec::with_capacity(n), sketch: Vec::with_capacity(n), filled: Vec::with_capacity(n), fine: Vec::with_capacity(n), copies: Vec::with_capacity(n) };
        // 每篇的签名与草图互不相关，在各核上并行计算；去重按输入顺序依次进行。
        // (内容哈希, 非空桶数, 细草图)，没有可比较内容的为 None
        type Sketched = Option<(u64, u32, Fine)>;
        let (sketched, sigs): (Vec<Sketched>, Vec<Signature>) = (0..n)
            .into_par_iter()
            .map(|d| {
                let mut oph = Oph::new();
                let mut fine = FineBuilder::new();
                let mut content = CONTENT_SEED;
                source.for_each(d, |h| {
                    oph.add(h);
                    fine.add(h);
                    content = (content ^ h).wrapping_mul(0x0000_0100_0000_01b3);
                });
                let (sig, filled) = oph.finish();
                // 没有可比较的内容（规范化后为空，或全部被排除）的不参与
                let sketched = (filled > 0).then(|| (fmix64(content), filled, fine.finish()));
                (sketched, sig)
            })
            .unzip();
        let mut by_content: HashMap<u64, usize> = HashMap::with_capacity(n);
        for (d, sketched) in sketched.into_iter().enumerate() {
            let Some((content, filled, fine)) = sketched else {
                continue;
            };
            let sig = &sigs[d];
            match by_content.get(&content) {
                Some(&r) if source.same(reps.doc[r], d) => {
                    reps.copies[r].push(d);
                    continue;
                }
                Some(_) => {} // 哈希碰撞（实际上不会发生）：作为独立文档处理
                None => {
                    by_content.insert(content, reps.doc.len());
                }
            }
            reps.doc.push(d);
            reps.keys.push(band_keys_array(sig));
            reps.sketch.push(sketch(sig));
            reps.filled.push(filled);
            reps.fine.push(fine);
            reps.copies.push(Vec::new());
        }
        (reps, sigs)
    }

    fn len(&self) -> usize {
        self.doc.len()
    }

    /// LSH 候选对 (x, y)，x < y 为代表下标，每对只出现一次，且已通过两道粗筛。
    ///
    /// 每个分段按键排序成桶，桶内两两组合；一对文档只在它们第一个相同的分段里处理
    /// （之前的分段键都不同才处理），因此无须集合去重。
    ///
    /// 套话（标题、开头语、常用短语）会让某些分段键被成千上万篇文档共有，桶内组合数
    /// 可达上亿，所以每个组合都要很便宜：先比签名的 2 位草图（32 字节，连续存放），
    /// 再比 1,024 桶的细草图（256 字节，取样多，能把 0.45 与 0.7 区分开），都以
    /// “阈值 − 6 倍标准差”为界，真实 Jaccard 达到阈值的文档对被粗筛排除的概率约
    /// 10⁻⁹；通过粗筛的才计算精确 Jaccard。
    fn candidates(&self, threshold: f64) -> Vec<(u32, u32)> {
        let threshold = threshold.clamp(0.0, 1.0);
        let sketch_required = required_sketch_matches(threshold);
        // 各分段互不相关（一对只在其第一个相同的分段里产生），在各核上并行。
        let mut out: Vec<(u32, u32)> = (0..BANDS).into_par_iter().flat_map_iter(|band| self.band_candidates(band, threshold, &sketch_required)).collect();
        out.sort_unstable();
        out
    }

    /// 第 `band` 段的候选对，见 [`Reps::candidates`]。
    fn band_candidates(&self, band: usize, threshold: f64, sketch_required: &[u32; NUM_HASHES + 1]) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut bucket: Vec<(u64, u32)> = Vec::with_capacity(self.len());
        // 桶内成员的紧凑副本（连续存放）：草图、非空桶数、下标、各段键的低 16 位。
        let mut local: Vec<([u64; 4], u32, u32, [u16; BANDS])> = Vec::new();
        bucket.extend(self.keys.iter().enumerate().map(|(r, k)| (k[band], r as u32)));
        bucket.sort_unstable();
        for run in bucket.chunk_by(|p, q| p.0 == q.0) {
            if run.len() < 2 {
                continue;
            }
            local.clear();
            local.extend(run.iter().map(|&(_, r)| {
                let r_ = r as usize;
                let short = self.keys[r_].map(|k| k as u16);
                (self.sketch[r_], self.filled[r_], r, short)
            }));
            for (k, (sx, fx, x, hx)) in local.iter().enumerate() {
                for (sy, fy, y, hy) in &local[k + 1..] {
                    let samples = (*fx).min(*fy) as usize;
                    if sketch_matches(sx, sy) < sketch_required[samples] {
                        continue;
                    }
                    let (x_, y_) = (*x as usize, *y as usize);
                    if hx[..band].iter().zip(&hy[..band]).any(|(p, q)| p == q) {
                        let (kx, ky) = (&self.keys[x_], &self.keys[y_]);
                        if kx[..band].iter().zip(&ky[..band]).any(|(p, q)| p == q) {
                            continue; // 已在更早的分段中处理
                        }
                    }
                    if !self.fine[x_].may_reach(&self.fine[y_], threshold) {
                        continue;
                    }
                    out.push((*x, *y)); // 桶内按 (键, 下标) 排序，x < y
                }
            }
        }
        out
    }

    fn members(&self, r: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.doc[r]).chain(self.copies[r].iter().copied())
    }
}

fn same_normalized(a: &str, b: &str) -> bool {
    normalized(a).map(|(_, c)| c).eq(normalized(b).map(|(_, c)| c))
}

const FINE_BINS: usize = 1024;
const FINE_SEED: u64 = 0x2545_f491_4f6c_dd1d;
const EVEN_BITS: u64 = 0x5555_5555_5555_5555;

/// 细草图：1,024 桶的单次置换 MinHash（不稠密化），每桶 2 位：
/// 偶数位表示桶非空，奇数位为桶内最小值的 1 位。
struct Fine {
    bits: [u64; FINE_BINS / 32],
    /// 非空桶数。
    present: u32,
}

struct FineBuilder([u32; FINE_BINS], [u64; FINE_BINS / 64]);

impl FineBuilder {
    fn new() -> Self {
        FineBuilder([u32::MAX; FINE_BINS], [0; FINE_BINS / 64])
    }

    #[inline]
    fn add(&mut self, shingle: u64) {
        let p = (shingle ^ FINE_SEED).wrapping_mul(0x9fb2_1c65_1e98_df25);
        let bin = (p >> 54) as usize; // 高 10 位
        let value = (p >> 22) as u32;
        self.1[bin / 64] |= 1 << (bin % 64);
        if value < self.0[bin] {
            self.0[bin] = value;
        }
    }

    fn finish(&self) -> Fine {
        let mut out = [0u64; FINE_BINS / 32];
        for (bin, &v) in self.0.iter().enumerate() {
            if (self.1[bin / 64] >> (bin % 64)) & 1 == 1 {
                out[bin / 32] |= (1 | (u64::from(v & 1) << 1)) << (2 * (bin % 32));
            }
        }
        let present = self.1.iter().map(|w| w.count_ones()).sum();
        Fine { bits: out, present }
    }
}

impl Fine {
    /// 细草图是否允许 Jaccard ≥ t。设 N 为两篇中至少一篇非空的桶数，B 为两篇都非空的
    /// 桶数，M 为两篇都非空且取值位相同的桶数。真实 Jaccard 为 t 时，最小值相同的桶
    /// T ≈ Binomial(N, t)，其余都非空的桶各有 1/2 的概率位相同，故
    /// E[M] = (tN + B)/2，Var[M] ≈ (N·t(1−t) + max(0, B − tN))/4。
    /// M 低于 E[M] − 6σ 即排除。
    fn may_reach(&self, other: &Fine, t: f64) -> bool {
        // 每个字：偶数位为“都非空”，奇数位为“都非空且位相同”，一次 popcount 得 B + M。
        let (mut both, mut sum) = (0u32, 0u32);
        for (a, b) in self.bits.iter().zip(&other.bits) {
            let present = a & b & EVEN_BITS;
            let equal = present & !((a ^ b) >> 1);
            both += present.count_ones();
            sum += (present | (equal << 1)).count_ones();
        }
        let equal = sum - both;
        let union = self.present + other.present - both;
        let (n, b, m) = (f64::from(union), f64::from(both), f64::from(equal));
        let expected = (t * n + b) / 2.0;
        let var = (n * t * (1.0 - t) + (b - t * n).max(0.0)) / 4.0;
        m >= expected - 6.0 * var.sqrt()
    }
}

/// 签名每个值的最低 2 位。两篇文档在某位置取值相同则这 2 位必相同，取值不同时
/// 相同的概率为 1/4，故相同位置的比例期望为 J + (1 − J)/4。
fn sketch(sig: &Signature) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (i, v) in sig.0.iter().enumerate() {
        out[i / 32] |= u64::from(v & 3) << (2 * (i % 32));
    }
    out
}

#[inline]
fn sketch_matches(a: &[u64; 4], b: &[u64; 4]) -> u32 {
    let mut mismatches = 0;
    for (x, y) in a.iter().zip(b) {
        let d = x ^ y;
        mismatches += ((d | (d >> 1)) & 0x5555_5555_5555_5555).count_ones();
    }
    NUM_HASHES as u32 - mismatches
}

/// 草图粗筛表：`req[k]` 为有效取样数为 k（两篇中较少的非空桶数）时，草图中至少要有的
/// 相同位置数。期望比例 q = t + (1 − t)/4，容差 6 个标准差 √(q(1−q)/k)。
fn required_sketch_matches(threshold: f64) -> [u32; NUM_HASHES + 1] {
    let t = threshold.clamp(0.0, 1.0);
    let q = t + (1.0 - t) / 4.0;
    let mut req = [0u32; NUM_HASHES + 1];
    for (k, r) in req.iter_mut().enumerate().skip(1) {
        let cutoff = q - 6.0 * (q * (1.0 - q) / k as f64).sqrt();
        *r = (cutoff * NUM_HASHES as f64).floor().max(0.0) as u32;
    }
    req
}

/// 精确 Jaccard ≥ `threshold` 的所有文档对（每对一次，`a` 在输入中排在 `b` 之前），
/// 按 (a, b) 在输入中的位置排序。每篇按各自的排除集合（各自的模板、共性条目；什么都
/// 不排除时为 [`Exclusion::none`]）去掉片段后比较，Jaccard 也按去掉后的集合计算。
/// 片段在计算签名时逐个过滤，不必先为每篇建出整个片段集合（5 万篇约省下几百 MB 内存
/// 和一次排序）；精确 Jaccard 只为候选对计算 [`shingles_outside`]。
///
/// 另返回每篇（按输入顺序）的签名，即 `minhash(&shingles_outside(text, exclude))`，
/// 供调用方存储后做单篇核查。没有可比较内容（规范化后为空，或全部被排除）的为
/// [`Signature::EMPTY`]，不参与比较。
///
/// 候选对来自 LSH 分段桶（有一段相同的概率为 `1 - (1 - J⁴)³²`：阈值 0.7 时漏检概率约
/// 1.5×10⁻⁴，0.8 时约 5×10⁻⁸；阈值低于 0.6 时漏检明显增多，不宜使用），经签名粗筛后
/// 逐对计算精确 Jaccard，因此结果中没有误报。片段集合完全相同的文档只计算一次
/// （Jaccard = 1）。
///
/// 耗时（单线程）：每篇约 1,500 字时分片与签名约 25 μs/篇；同桶的每个组合先比
/// 32 字节草图（几纳秒），再比 1,024 桶细草图；精确 Jaccard（约 3 μs）只对通过粗筛的
/// 文档对计算。50,000 篇、5% 抄件约 1～1.5 秒。两种情形会慢：
/// - 大量互相雷同的文书：结果本身与雷同组大小的平方成正比（3,000 篇只改姓名的模板
///   文书即约 490 万对，每对一次精确计算，需十几到几十秒）；
/// - 几乎所有文书都有大段相同的套话（两两相似度普遍在 0.4 以上）：几乎所有文档对都
///   落入同一些桶，组合数随篇数平方增长（50,000 篇各含一半相同模板时需数分钟）。
///   这时应把模板排除在比较之外（同一情形约 2 秒）。
pub fn similar_pairs_of_texts(docs: &[TextDoc<'_>], threshold: f64) -> (Vec<Pair>, Vec<Signature>) {
    pairs_and_signatures(&Source(docs), threshold)
}

fn pairs_and_signatures(source: &Source, threshold: f64) -> (Vec<Pair>, Vec<Signature>) {
    let (reps, sigs) = Reps::build(source);
    if threshold.is_nan() || threshold > 1.0 {
        return (Vec::new(), sigs);
    }
    let candidates = reps.candidates(threshold);
    // 候选对涉及的代表的片段集合先并行备好，精确 Jaccard 再逐对并行计算。
    let mut involved = vec![false; reps.len()];
    for &(x, y) in &candidates {
        involved[x as usize] = true;
        involved[y as usize] = true;
    }
    let sets: Vec<Option<Vec<u64>>> = involved.par_iter().enumerate().map(|(r, &used)| used.then(|| source.set(reps.doc[r]))).collect();
    let scored: Vec<(usize, usize, f64)> = candidates
        .par_iter()
        .map(|&(x, y)| {
            let (x, y) = (x as usize, y as usize);
            let j = match (&sets[x], &sets[y]) {
                (Some(a), Some(b)) => jaccard(a, b),
                _ => 0.0,
            };
            (x, y, j)
        })
        .collect();
    let mut found: Vec<(usize, usize, f64)> = Vec::new();
    for (x, y, j) in scored {
        if j >= threshold {
            for dx in reps.members(x) {
                for dy in reps.members(y) {
                    found.push((dx.min(dy), dx.max(dy), j));
                }
            }
        }
    }
    for r in 0..reps.len() {
        let members: Vec<usize> = reps.members(r).collect();
        for (k, &p) in members.iter().enumerate() {
            for &q in &members[k + 1..] {
                found.push((p.min(q), p.max(q), 1.0));
            }
        }
    }
    found.sort_unstable_by_key(|&(p, q, _)| (p, q));
    let pairs = found.into_iter().map(|(p, q, jaccard)| Pair { a: source.id(p), b: source.id(q), jaccard }).collect();
    (pairs, sigs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{Rng, new_name, new_unit, synthetic_letters_with_truth};

    fn text_docs<'a>(docs: &'a [Doc], exclude: &'a Exclusion) -> Vec<TextDoc<'a>> {
        docs.iter().map(|d| TextDoc { id: d.id, text: &d.text, exclude }).collect()
    }

    /// Every document under the same exclusion (a shared template), as a list of pairs.
    fn similar_pairs_excluding(docs: &[Doc], exclude: &[u64], threshold: f64) -> Vec<Pair> {
        let e = Exclusion::new(exclude.iter().copied());
        similar_pairs_of_texts(&text_docs(docs, &e), threshold).0
    }

    fn similar_pairs(docs: &[Doc], threshold: f64) -> Vec<Pair> {
        similar_pairs_excluding(docs, &[], threshold)
    }

    fn reps_of(docs: &[Doc]) -> Reps {
        let none = Exclusion::none();
        Reps::build(&Source(&text_docs(docs, &none))).0
    }

    fn signature(text: &str) -> Signature {
        signature_outside(text, &Exclusion::none())
    }

    /// Jaccard estimated from signatures: the share of equal positions.
    fn estimate(a: &Signature, b: &Signature) -> f64 {
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        f64::from(matches(a, b)) / NUM_HASHES as f64
    }

    /// `set \ exclude`, both sorted and deduplicated.
    fn without(set: &[u64], exclude: &[u64]) -> Vec<u64> {
        set.iter().copied().filter(|h| exclude.binary_search(h).is_err()).collect()
    }

    /// Pairs at or above the threshold by comparing every pair exactly.
    fn brute_force_sets(sets: &[(i64, Vec<u64>)], threshold: f64) -> Vec<Pair> {
        let mut out = Vec::new();
        for i in 0..sets.len() {
            for j in i + 1..sets.len() {
                let jaccard = jaccard(&sets[i].1, &sets[j].1);
                if jaccard >= threshold {
                    out.push(Pair { a: sets[i].0, b: sets[j].0, jaccard });
                }
            }
        }
        out
    }

    fn brute_force(docs: &[Doc], threshold: f64) -> Vec<(i64, i64)> {
        let sets: Vec<(i64, Vec<u64>)> = docs.iter().map(|d| (d.id, shingles(&d.text))).collect();
        brute_force_sets(&sets, threshold).iter().map(|p| (p.a, p.b)).collect()
    }

    fn doc(id: i64, text: &str) -> Doc {
        Doc { id, text: text.to_string() }
    }

    #[test]
    fn normalize_drops_punctuation_and_folds_width() {
        assert_eq!(normalize("２０２６年，  党风廉政ＡＢＣ！"), "2026年党风廉政abc");
        assert_eq!(normalize("“一岗双责”、《责任书》（试行）——Hello, World…"), "一岗双责责任书试行helloworld");
        assert_eq!(normalize("\u{3000}\t\r\n 。，；：？！"), "");
    }

    #[test]
    fn punctuation_and_whitespace_are_ignored() {
        let a = "落实主体责任，加强党风廉政建设。严格执行中央八项规定精神！";
        let b = "落实主体责任 加强党风廉政建设\n\n严格执行 “中央八项规定” 精神";
        assert_eq!(shingles(a), shingles(b));
        assert_eq!(jaccard(&shingles(a), &shingles(b)), 1.0);
        assert_eq!(signature(a), signature(b));
    }

    #[test]
    fn identical_texts_have_jaccard_one() {
        let docs = synthetic_letters(3, 0.0, 1);
        let s = shingles(&docs[0].text);
        assert!(s.len() > 800, "{}", s.len());
        assert_eq!(jaccard(&s, &s), 1.0);
        assert_eq!(estimate(&minhash(&s), &minhash(&s)), 1.0);
        assert!(s.windows(2).all(|w| w[0] < w[1]), "sorted and deduped");
    }

    #[test]
    fn letter_length_is_realistic() {
        for d in synthetic_letters(20, 0.0, 3) {
            let n = normalize(&d.text).chars().count();
            assert!((1_300..1_700).contains(&n), "{n}");
        }
    }

    #[test]
    fn copy_with_name_changed_is_flagged() {
        let docs = synthetic_letters(2, 0.0, 7);
        let original = &docs[0].text;
        let name = original.lines().find_map(|l| l.strip_prefix("责任人：")).map(str::to_string).unwrap();
        let copy = original.replace(&name, "欧阳修远");
        assert_ne!(&copy, original);
        let j = jaccard(&shingles(original), &shingles(&copy));
        assert!(j > 0.8 && j < 1.0, "{j}");
        let batch = vec![doc(10, original), docs[1].clone(), doc(30, &copy)];
        let pairs = similar_pairs(&batch, DEFAULT_THRESHOLD);
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].a, pairs[0].b), (10, 30));
        assert_eq!(pairs[0].jaccard, j);
    }

    #[test]
    fn independent_letters_are_not_flagged() {
        let docs = synthetic_letters(40, 0.0, 11);
        let sets: Vec<Vec<u64>> = docs.iter().map(|d| shingles(&d.text)).collect();
        let mut max = 0.0f64;
        for i in 0..sets.len() {
            for j in i + 1..sets.len() {
                max = max.max(jaccard(&sets[i], &sets[j]));
            }
        }
        assert!(max < 0.4, "{max}");
        assert!(max > 0.05, "same vocabulary should share something: {max}");
        assert!(similar_pairs(&docs, DEFAULT_THRESHOLD).is_empty());
    }

    #[test]
    fn batch_matches_brute_force() {
        let (docs, truth) = synthetic_letters_with_truth(300, 0.1, 5);
        assert!(truth.len() > 15, "{}", truth.len());
        for threshold in [0.6, DEFAULT_THRESHOLD, 0.85] {
            let got: Vec<(i64, i64)> = similar_pairs(&docs, threshold).iter().map(|p| (p.a, p.b)).collect();
            assert_eq!(got, brute_force(&docs, threshold), "threshold {threshold}");
        }
        // 抄件都被发现（改动最多 5 句，Jaccard 仍高于 0.7）。
        let got: Vec<(i64, i64)> = similar_pairs(&docs, DEFAULT_THRESHOLD).iter().map(|p| (p.a, p.b)).collect();
        for t in &truth {
            assert!(got.contains(t), "{t:?}");
        }
    }

    #[test]
    fn exact_duplicates_and_empty_docs() {
        let base = synthetic_letters(2, 0.0, 9);
        let text = &base[0].text;
        let spaced = text.replace('，', " , ");
        let docs = vec![doc(1, text), doc(2, ""), doc(3, &spaced), doc(4, "。。，"), doc(5, &base[1].text), doc(6, text), doc(7, "")];
        let pairs = similar_pairs(&docs, 0.9);
        let ids: Vec<(i64, i64, f64)> = pairs.iter().map(|p| (p.a, p.b, p.jaccard)).collect();
        assert_eq!(ids, vec![(1, 3, 1.0), (1, 6, 1.0), (3, 6, 1.0)]);
        assert_eq!(jaccard(&[], &[]), 0.0);
        assert!(shingles("").is_empty());
        assert!(signature("，。").is_empty());
        assert_eq!(estimate(&Signature::EMPTY, &Signature::EMPTY), 0.0);
        assert!(similar_pairs(&docs, f64::NAN).is_empty());
        assert!(similar_pairs(&docs, 1.5).is_empty());
    }

    #[test]
    fn template_exclusion() {
        let letters = synthetic_letters(4, 0.0, 23);
        let template: String = letters[0].text.chars().take(900).collect();
        let own = |d: &Doc| d.text.chars().skip(900).collect::<String>();
        let docs = vec![doc(1, &format!("{template}{}", own(&letters[1]))), doc(2, &format!("{template}{}", own(&letters[2]))), doc(3, &format!("{template}{}", own(&letters[1]).replace("要", "须"))), doc(4, &template)];
        let excluded = shingles(&template);
        // 不排除模板：四篇互相“雷同”。
        assert_eq!(similar_pairs(&docs, 0.5).len(), 6);
        // 排除模板：只剩真正抄袭的 1、3；只有模板的 4 不参与比较。
        let pairs = similar_pairs_excluding(&docs, &excluded, 0.5);
        assert_eq!(pairs.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(), vec![(1, 3)]);
        let j = jaccard(&without(&shingles(&docs[0].text), &excluded), &without(&shingles(&docs[2].text), &excluded));
        assert_eq!(pairs[0].jaccard, j);
        // 原样照抄模板的比例
        let s4 = shingles(&docs[3].text);
        assert!(without(&s4, &excluded).is_empty());
        let s1 = shingles(&docs[0].text);
        let ratio = without(&s1, &excluded).len() as f64 / s1.len() as f64;
        assert!(ratio > 0.2 && ratio < 0.8, "{ratio}");
        assert_eq!(without(&[1, 3, 5, 7], &[0, 3, 4, 7, 9]), vec![1, 5]);
        assert_eq!(without(&[1, 2], &[]), vec![1, 2]);
    }

    #[test]
    fn each_text_with_its_own_exclusion_matches_sets_input() {
        let (mut docs, _) = synthetic_letters_with_truth(400, 0.1, 11);
        // two "templates": the first 300 characters of two letters, each excluded from a third
        // of the letters; the rest exclude nothing
        let t1: String = docs[0].text.chars().take(300).collect();
        let t2: String = docs[1].text.chars().take(300).collect();
        for (k, d) in docs.iter_mut().enumerate() {
            let t = if k % 3 == 0 { &t1 } else { &t2 };
            d.text = format!("{t}{}", d.text);
        }
        // identical texts under different exclusions, and under the same one
        docs.push(doc(2000, &docs[3].text.clone()));
        docs.push(doc(2001, &docs[4].text.clone()));
        docs.push(doc(2002, "，"));
        let none = Exclusion::none();
        let e1 = Exclusion::new(shingles(&t1));
        let e2 = Exclusion::new(shingles(&t2));
        let pick = |k: usize| match k % 3 {
            0 => &e1,
            1 => &e2,
            _ => &none,
        };
        let each: Vec<TextDoc> = docs.iter().enumerate().map(|(k, d)| TextDoc { id: d.id, text: &d.text, exclude: if d.id == 2000 { &e2 } else { pick(k) } }).collect();
        let sets: Vec<(i64, Vec<u64>)> = each.iter().map(|d| (d.id, shingles_outside(d.text, d.exclude))).collect();
        let (pairs, sigs) = similar_pairs_of_texts(&each, DEFAULT_THRESHOLD);
        assert_eq!(pairs, brute_force_sets(&sets, DEFAULT_THRESHOLD));
        assert!(pairs.iter().any(|p| (p.a, p.b) == (5, 2001)), "{pairs:?}");
        assert_eq!(sigs.len(), docs.len());
        for ((_, set), sig) in sets.iter().zip(&sigs) {
            assert_eq!(&minhash(set), sig);
        }
        assert!(sigs.last().is_some_and(Signature::is_empty));
        // with nothing excluded it is the plain text input
        let plain: Vec<TextDoc> = docs.iter().map(|d| TextDoc { id: d.id, text: &d.text, exclude: &none }).collect();
        let plain: Vec<(i64, i64)> = similar_pairs_of_texts(&plain, DEFAULT_THRESHOLD).0.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(plain, brute_force(&docs, DEFAULT_THRESHOLD));
    }

    #[test]
    fn contains_normalized_agrees_with_normalizing_the_text() {
        let texts =
            ["严格执行“不办人情案、金钱案、关系案”的要求", "不办人情案，金钱案，关 系 案", "不办人情案金钱案", "不不办人情案、金钱案、关系案", "", "ＡＢＣ不办人情案、金钱案、关系案ｘ", "某某局：加强教育经费监管"];
        let phrases = ["不办人情案、金钱案、关系案", "严禁违规插手干预司法活动", "ABC不办", "abc", "案", ""];
        for t in texts {
            for p in phrases {
                let p = normalize(p);
                assert_eq!(contains_normalized(t, &p), normalize(t).contains(&p), "{t} / {p}");
            }
        }
        for d in synthetic_letters(50, 0.0, 4) {
            let n = normalize(&d.text);
            let chars: Vec<char> = n.chars().collect();
            for start in [0, 7, 100, chars.len().saturating_sub(9)] {
                let p: String = chars.iter().skip(start).take(8).collect();
                assert!(contains_normalized(&d.text, &p), "{p}");
            }
            assert!(!contains_normalized(&d.text, "不办人情案金钱案关系案"));
        }
    }

    #[test]
    fn may_reach_keeps_every_pair_at_the_threshold_and_drops_most_others() {
        let (docs, truth) = synthetic_letters_with_truth(3000, 0.05, 21);
        let sigs: Vec<Signature> = docs.iter().map(|d| signature(&d.text)).collect();
        let sets: Vec<Vec<u64>> = docs.iter().map(|d| shingles(&d.text)).collect();
        // every pair found by comparing exactly passes
        let pairs = similar_pairs(&docs, 0.5);
        assert!(pairs.len() > 100);
        for p in &pairs {
            let (a, b) = (p.a as usize - 1, p.b as usize - 1);
            assert!(may_reach(&sigs[a], &sigs[b], p.jaccard.min(0.7)), "{p:?}");
            assert!(may_reach(&sigs[a], &sigs[b], 0.5));
        }
        assert!(truth.len() > 100);
        // pairs sharing a band key but far below the threshold mostly do not
        let (mut shared, mut passed) = (0, 0);
        for a in 0..300 {
            let ka = band_keys(&sigs[a]);
            for b in a + 1..docs.len() {
                if band_keys(&sigs[b]).iter().zip(&ka).any(|(x, y)| x == y) && jaccard(&sets[a], &sets[b]) < 0.5 {
                    shared += 1;
                    passed += usize::from(may_reach(&sigs[a], &sigs[b], 0.7));
                }
            }
        }
        assert!(shared > 100 && passed * 10 < shared, "{passed} of {shared}");
        // short texts (few independent samples) and empty signatures
        let short = signature("严格落实全面从严治党主体责任");
        assert!(may_reach(&short, &short, 1.0));
        assert!(!may_reach(&Signature::EMPTY, &short, 0.1));
        assert_eq!(distinct_values(&sigs[0]), 128);
        assert!(distinct_values(&short) < 20);
    }

    #[test]
    fn exclusion_and_counting_outside() {
        let text = synthetic_letters(1, 0.0, 3)[0].text.clone();
        let all = shingles(&text);
        let half: Vec<u64> = all.iter().copied().step_by(2).collect();
        let e = Exclusion::new(half.iter().rev().copied().chain(half.iter().copied()));
        assert_eq!(e.sorted, half);
        for &h in &all {
            assert_eq!(e.contains(h), half.binary_search(&h).is_ok());
        }
        assert!(!Exclusion::none().contains(all[0]));
        let outside = shingles_outside(&text, &e);
        assert_eq!(outside, without(&all, &half));
        assert_eq!(count_outside(&text, &e, 20), 20);
        assert_eq!(count_outside(&text, &e, usize::MAX), outside.len());
        assert_eq!(count_outside(&text, &e, 0), 0);
        assert_eq!(count_outside(&text, &Exclusion::new(all.clone()), 20), 0);
        assert_eq!(count_outside("廉政", &Exclusion::none(), 20), 1);
        assert_eq!(count_outside("", &Exclusion::none(), 20), 0);
        assert_eq!(signature_outside(&text, &e), minhash(&outside));
        assert_eq!(signature_outside(&text, &Exclusion::none()), signature(&text));
    }

    #[test]
    fn short_texts() {
        assert_eq!(shingles("廉政").len(), 1);
        assert_eq!(shingles("廉政"), shingles("廉，政"));
        assert_ne!(shingles("廉政"), shingles("廉洁"));
        assert_eq!(shingles("党风廉政建").len(), 1);
        assert_eq!(shingles("党风廉政建设").len(), 2);
        let docs = vec![doc(1, "廉政"), doc(2, "廉政。"), doc(3, "廉洁")];
        let pairs = similar_pairs(&docs, 0.9);
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].a, pairs[0].b), (1, 2));
    }

    #[test]
    fn streamed_signature_equals_minhash_of_shingles() {
        for d in synthetic_letters(5, 0.0, 2) {
            assert_eq!(signature(&d.text), minhash(&shingles(&d.text)));
        }
        assert_eq!(signature("廉政"), minhash(&shingles("廉政")));
    }

    #[test]
    fn estimate_tracks_jaccard() {
        let (docs, truth) = synthetic_letters_with_truth(400, 0.2, 13);
        let sets: Vec<Vec<u64>> = docs.iter().map(|d| shingles(&d.text)).collect();
        let sigs: Vec<Signature> = sets.iter().map(|s| minhash(s)).collect();
        let mut pairs: Vec<(usize, usize)> = truth.iter().map(|&(a, b)| (a as usize - 1, b as usize - 1)).collect();
        pairs.extend((0..100).map(|k| (k, k + 100)));
        for (i, j) in pairs {
            let exact = jaccard(&sets[i], &sets[j]);
            let est = estimate(&sigs[i], &sigs[j]);
            // 128 个取样，标准差至多 0.045
            assert!((exact - est).abs() < 0.2, "{exact} vs {est}");
        }
        // 短文本（空桶多，需要稠密化）
        let a = "加强党风廉政建设落实主体责任严格执行中央八项规定精神";
        let b = "加强党风廉政建设落实主体责任严格遵守中央八项规定精神";
        let (sa, sb) = (shingles(a), shingles(b));
        let est = estimate(&minhash(&sa), &minhash(&sb));
        assert!((jaccard(&sa, &sb) - est).abs() < 0.35, "{est}");
    }

    #[test]
    fn prefilters_keep_pairs_at_threshold() {
        let (docs, truth) = synthetic_letters_with_truth(600, 0.2, 31);
        let reps = reps_of(&docs);
        assert_eq!(reps.len(), docs.len());
        let sets: Vec<Vec<u64>> = docs.iter().map(|d| shingles(&d.text)).collect();
        let mut pairs: Vec<(usize, usize)> = truth.iter().map(|&(a, b)| (a as usize - 1, b as usize - 1)).collect();
        pairs.extend((0..300).map(|k| (k, k + 300)));
        // 短文本：空桶很多
        let short: Vec<Doc> = docs.iter().take(40).map(|d| Doc { id: d.id, text: d.text.chars().take(60 + d.id as usize).collect() }).collect();
        let short_reps = reps_of(&short);
        let short_sets: Vec<Vec<u64>> = short.iter().map(|d| shingles(&d.text)).collect();
        let mut rejected_background = 0;
        for (i, j) in pairs {
            let exact = jaccard(&sets[i], &sets[j]);
            // 阈值恰为真实 Jaccard（最不利情形）时两道粗筛都须通过。
            let req = required_sketch_matches(exact);
            let samples = reps.filled[i].min(reps.filled[j]) as usize;
            assert!(sketch_matches(&reps.sketch[i], &reps.sketch[j]) >= req[samples], "{exact}");
            assert!(reps.fine[i].may_reach(&reps.fine[j], exact), "{exact}");
            if exact < 0.4 && !reps.fine[i].may_reach(&reps.fine[j], DEFAULT_THRESHOLD) {
                rejected_background += 1;
            }
        }
        assert!(rejected_background >= 290, "{rejected_background}");
        for i in 0..short.len() {
            for j in i + 1..short.len() {
                let exact = jaccard(&short_sets[i], &short_sets[j]);
                let req = required_sketch_matches(exact);
                let samples = short_reps.filled[i].min(short_reps.filled[j]) as usize;
                let sm = sketch_matches(&short_reps.sketch[i], &short_reps.sketch[j]);
                assert!(sm >= req[samples], "{exact}");
                assert!(short_reps.fine[i].may_reach(&short_reps.fine[j], exact), "{exact}");
            }
        }
    }

    #[test]
    fn band_keys_are_stable() {
        // 这些值被存储在数据库中：改变即须递增 SCHEME。
        let s = shingles("党风廉政建设责任书");
        assert_eq!(s.len(), 5);
        let sig = signature("党风廉政建设责任书");
        let keys = band_keys(&sig);
        assert_eq!(keys.len(), BANDS);
        let mut distinct = keys.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), BANDS, "bands must not collide with each other");
        assert_eq!((s[0], sig.0[0], keys[0]), (GOLDEN_SHINGLE, GOLDEN_SIG0, GOLDEN_KEY0), "hash scheme changed: bump SCHEME");
        let bytes = sig.to_le_bytes();
        assert_eq!(bytes.len(), 512);
        assert_eq!(Signature::from_le_bytes(&bytes), Some(sig));
        assert_eq!(Signature::from_le_bytes(&bytes[1..]), None);
    }

    const GOLDEN_SHINGLE: u64 = 534_086_974_775_369_064;
    const GOLDEN_SIG0: u32 = 2_986_955_762;
    const GOLDEN_KEY0: u64 = 9_030_008_222_162_750_195;

    #[test]
    fn lsh_curve() {
        let lsh_probability = |s: f64| 1.0 - (1.0 - s.powi(ROWS as i32)).powi(BANDS as i32);
        assert!((lsh_probability(0.5) - 0.873).abs() < 0.001);
        assert!(lsh_probability(0.8) > 0.999_999);
        assert!(lsh_probability(0.2) < 0.06);
    }

    #[test]
    fn shared_passages_of_copied_paragraph() {
        let para = "各级党组织要认真落实党风廉政建设主体责任，坚持把纪律和规矩挺在前面，\
                    切实筑牢拒腐防变思想防线。";
        let a = format!("（一）领导班子要带头执行中央八项规定精神。{para}每年至少召开两次专题会议。");
        let b = format!("第二条　{}\n本人承诺：严守廉洁纪律，自觉接受监督。", para.replace('，', ", "));
        let ps = shared_passages(&a, &b, 8);
        assert_eq!(ps.len(), 1, "{ps:?}");
        let slice = |t: &str, s: usize, e: usize| t.chars().skip(s).take(e - s).collect::<String>();
        for p in &ps {
            let sa = slice(&a, p.a_start, p.a_end);
            let sb = slice(&b, p.b_start, p.b_end);
            assert_eq!(normalize(&sa), normalize(&sb));
            assert_eq!(normalize(&sa), normalize(para));
            assert!(sa.starts_with("各级党组织") && sa.ends_with("防线"), "{sa}");
        }
    }

    #[test]
    fn shared_passages_are_one_to_one() {
        let a = "加强党风廉政建设。加强党风廉政建设。落实主体责任";
        let b = "落实主体责任，加强党风廉政建设";
        let ps = shared_passages(a, b, 5);
        // “加强党风廉政建设”在 a 中出现两次，只与 b 中的一处配对。
        assert_eq!(ps.len(), 2, "{ps:?}");
        for (k, p) in ps.iter().enumerate() {
            for q in &ps[k + 1..] {
                assert!(p.a_end <= q.a_start || q.a_end <= p.a_start);
                assert!(p.b_end <= q.b_start || q.b_end <= p.b_start);
            }
        }
        assert_eq!(ps, vec![Passage { a_start: 0, a_end: 8, b_start: 7, b_end: 15 }, Passage { a_start: 18, a_end: 24, b_start: 0, b_end: 6 },]);
        assert!(shared_passages("完全不同的内容", "另外一些文字", 5).is_empty());
        assert!(shared_passages("", "", 0).is_empty());
        // min_chars 过滤
        assert_eq!(shared_passages(a, b, 7).len(), 1);
    }

    #[test]
    fn shared_passages_across_synthetic_copy() {
        let (docs, truth) = synthetic_letters_with_truth(60, 0.3, 17);
        let &(src, copy) = truth.first().unwrap();
        let (a, b) = (&docs[src as usize - 1].text, &docs[copy as usize - 1].text);
        let ps = shared_passages(a, b, 10);
        assert!(!ps.is_empty());
        let covered: usize = ps.iter().map(|p| p.a_end - p.a_start).sum();
        assert!(covered * 10 > a.chars().count() * 6, "{covered}");
        let chars_a: Vec<char> = a.chars().collect();
        let chars_b: Vec<char> = b.chars().collect();
        for p in &ps {
            let sa: String = chars_a[p.a_start..p.a_end].iter().collect();
            let sb: String = chars_b[p.b_start..p.b_end].iter().collect();
            assert_eq!(normalize(&sa), normalize(&sb));
            assert!(normalize(&sa).chars().count() >= 10);
        }
    }

    #[test]
    fn highlight_escapes_and_wraps() {
        assert_eq!(highlight_html("a<b>&\"c'", &[]), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(highlight_html("党风廉政<建设>责任书", &[(2, 4), (8, 10)]), "党风<mark>廉政</mark>&lt;建设&gt;<mark>责任</mark>书");
        // 无序、重叠、相接、越界、空区间
        assert_eq!(highlight_html("一二三四五六七", &[(5, 100), (1, 3), (2, 4), (4, 5), (0, 0), (6, 2)]), "一<mark>二三四五六七</mark>");
        assert_eq!(highlight_html("甲乙丙", &[(0, 3)]), "<mark>甲乙丙</mark>");
        assert_eq!(highlight_html("甲乙丙", &[(0, 1), (2, 3)]), "<mark>甲</mark>乙<mark>丙</mark>");
        assert_eq!(highlight_html("", &[(0, 3)]), "");
    }

    #[test]
    fn highlight_shared_passages_roundtrip() {
        let a = "本人承诺：严格执行中央八项规定精神 & 廉洁自律。";
        let b = "<p>严格执行中央八项规定精神</p>";
        let ps = shared_passages(a, b, 5);
        assert_eq!(ps.len(), 1);
        let ra: Vec<(usize, usize)> = ps.iter().map(|p| (p.a_start, p.a_end)).collect();
        let rb: Vec<(usize, usize)> = ps.iter().map(|p| (p.b_start, p.b_end)).collect();
        assert_eq!(highlight_html(a, &ra), "本人承诺：<mark>严格执行中央八项规定精神</mark> &amp; 廉洁自律。");
        // 标签里的字母 p 也参与比较，但与 a 中相邻的字不同，段落仍从“严”开始。
        assert_eq!(highlight_html(b, &rb), "&lt;p&gt;<mark>严格执行中央八项规定精神</mark>&lt;/p&gt;");
    }

    #[test]
    fn synthetic_is_deterministic() {
        let (a, ta) = synthetic_letters_with_truth(200, 0.05, 42);
        let (b, tb) = synthetic_letters_with_truth(200, 0.05, 42);
        assert_eq!(a, b);
        assert_eq!(ta, tb);
        assert!((4..=20).contains(&ta.len()), "{}", ta.len());
        assert_ne!(a, synthetic_letters(200, 0.05, 43));
        assert_eq!(a.iter().map(|d| d.id).collect::<Vec<_>>(), (1..=200).collect::<Vec<_>>());
    }

    /// 压力测试：(1) 每篇一半是同一段套话；(2) 3,000 篇只改了单位和姓名的模板文书。
    #[test]
    #[ignore]
    fn stress_templates() {
        use std::time::Instant;
        let n = std::env::var("STRESS_N").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
        let base = synthetic_letters(n, 0.05, 77);
        let template: String = base[0].text.chars().take(750).collect();
        let half: Vec<Doc> = base.iter().map(|d| Doc { id: d.id, text: format!("{template}{}", d.text.chars().skip(750).collect::<String>()) }).collect();
        let sets: Vec<Vec<u64>> = half[1..200].iter().map(|d| shingles(&d.text)).collect();
        println!("half-template background J ~ {:.3}", jaccard(&sets[10], &sets[20]));
        let t = Instant::now();
        let reps = reps_of(&half);
        let c = reps.candidates(DEFAULT_THRESHOLD);
        println!("half template: {} candidates in {:.2?}", c.len(), t.elapsed());
        let t = Instant::now();
        let pairs = similar_pairs(&half, DEFAULT_THRESHOLD);
        println!("half template: {} pairs in {:.2?}", pairs.len(), t.elapsed());
        let t = Instant::now();
        let excl = similar_pairs_excluding(&half, &shingles(&template), DEFAULT_THRESHOLD);
        println!("half template, excluded: {} pairs in {:.2?}", excl.len(), t.elapsed());

        let mut filled = base.clone();
        let src = &base[1].text;
        let unit = src.lines().find_map(|l| l.strip_prefix("责任单位：")).unwrap_or("");
        let name = src.lines().find_map(|l| l.strip_prefix("责任人：")).unwrap_or("");
        let mut rng = Rng(5);
        for d in filled.iter_mut().take(n / 16) {
            d.text = src.replace(unit, &new_unit(&mut rng)).replace(name, &new_name(&mut rng));
        }
        let t = Instant::now();
        let reps = reps_of(&filled);
        let c = reps.candidates(DEFAULT_THRESHOLD);
        println!("n/16 filled-in templates: {} candidates in {:.2?}", c.len(), t.elapsed());
        let t = Instant::now();
        let pairs = similar_pairs(&filled, DEFAULT_THRESHOLD);
        println!("n/16 filled-in templates: {} pairs in {:.2?}", pairs.len(), t.elapsed());
    }

    /// 50,000 篇、5% 抄件的计时（release 下运行：
    /// `cargo test --release -p lianzheng-textsim -- --ignored --nocapture`）。
    #[test]
    #[ignore]
    fn timing_50k_letters() {
        use std::time::Instant;
        let n = 50_000;
        let t0 = Instant::now();
        let (docs, truth) = synthetic_letters_with_truth(n, 0.05, 2026);
        let chars: usize = docs.iter().map(|d| d.text.chars().count()).sum();
        println!("generated {n} letters ({} copies, avg {} chars) in {:.2?}", truth.len(), chars / n, t0.elapsed());

        let t1 = Instant::now();
        let pairs = similar_pairs(&docs, DEFAULT_THRESHOLD);
        let elapsed = t1.elapsed();
        println!("similar_pairs(threshold {DEFAULT_THRESHOLD}): {} pairs in {elapsed:.2?}", pairs.len());

        // 分阶段耗时
        let t = Instant::now();
        let reps = reps_of(&docs);
        let build = t.elapsed();
        let t = Instant::now();
        let candidates = reps.candidates(DEFAULT_THRESHOLD);
        println!("  phases: shingles+signatures {build:.2?}, LSH candidates {:.2?} ({} candidates)", t.elapsed(), candidates.len());

        // the single-letter pre-filter keeps every pair found
        let sigs: Vec<Signature> = docs.par_iter().map(|d| signature(&d.text)).collect();
        assert!(pairs.iter().all(|p| may_reach(&sigs[p.a as usize - 1], &sigs[p.b as usize - 1], DEFAULT_THRESHOLD)));

        // 检出率：真实抄袭关系中 Jaccard ≥ 阈值的都应被发现。
        let found: std::collections::HashSet<(i64, i64)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        let mut above = 0;
        let mut missed = 0;
        let mut min_j = 1.0f64;
        for &(a, b) in &truth {
            let j = jaccard(&shingles(&docs[a as usize - 1].text), &shingles(&docs[b as usize - 1].text));
            min_j = min_j.min(j);
            if j >= DEFAULT_THRESHOLD {
                above += 1;
                if !found.contains(&(a, b)) {
                    missed += 1;
                }
            }
        }
        println!("truth: {} copies, {above} with J >= {DEFAULT_THRESHOLD} (min J {min_j:.3}), missed {missed}", truth.len());
        assert!(pairs.iter().all(|p| p.jaccard >= DEFAULT_THRESHOLD));
        assert_eq!(missed, 0);
        assert!(elapsed.as_secs_f64() < 10.0, "{elapsed:?}");
    }
}
