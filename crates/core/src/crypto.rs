//! 商用密码：SM4-GCM 字段加密、HMAC-SM3 检索用哈希、SM3 摘要与审计日志哈希链。
//!
//! 业务代码只依赖 [`Crypto`] trait；将来可以换成经过认证的密码模块（密码机/密码卡）的实现。
//!
//! ## 密钥
//! 主密钥为 32 字节（64 个十六进制字符），**直接拆分**使用：
//! - 前 16 字节：SM4 密钥（用于 SM4-GCM 加密）；
//! - 后 16 字节：HMAC-SM3 密钥（用于 [`Crypto::keyed_hash`]）。
//!
//! 两半各自独立随机（[`Sm4Crypto::generate_key_hex`] 生成 32 字节随机数），互不推导，
//! 更换为硬件模块时可分别导入。
//!
//! 其他用途的密钥（审计日志链、密钥校验值）由 [`Crypto::derive_key`] 以整个主密钥为 HMAC-SM3
//! 密钥、以用途标签为消息导出，与检索用哈希的密钥（后 16 字节）不同，互不混用。
//!
//! ## 密文格式
//! `nonce(12 字节，随机) || SM4-GCM 密文(与明文等长) || tag(16 字节)`，无附加认证数据。
//! 即 RFC 8998 所述 SM4-GCM（GCM 构造，分组密码为 SM4）。

use aes_gcm::AesGcm;
use aes_gcm::aead::{Aead, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac as _};
use sm3::{Digest as _, Sm3};
use sm4::Sm4;
use sm4::cipher::consts::U12;
use std::fmt;

/// SM4-GCM，96 位 nonce，128 位 tag。
type Sm4Gcm = AesGcm<Sm4, U12>;
type HmacSm3 = Hmac<Sm3>;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// 密码运算错误。
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("密钥格式无效：{0}")]
    InvalidKey(String),
    #[error("密文格式无效：长度不足")]
    TooShort,
    #[error("解密失败：密文已被篡改或密钥不匹配")]
    Decrypt,
    #[error("密文不是有效的 Base64 编码")]
    Base64,
    #[error("解密结果不是有效的 UTF-8 文本")]
    Utf8,
}

/// 字段级加密与检索用哈希的抽象。
pub trait Crypto: Send + Sync {
    /// SM4-GCM 加密，输出 `nonce(12) || 密文 || tag(16)`；每次使用新的随机 nonce。
    /// 不会失败（明文超过 GCM 上限约 64 GiB 时返回空向量，解密时会报 [`CryptoError::TooShort`]）。
    fn encrypt(&self, plain: &[u8]) -> Vec<u8>;
    /// 解密并验证 [`Crypto::encrypt`] 的输出。
    fn decrypt(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// HMAC-SM3，小写十六进制（64 个字符）。用于按精确值查找加密字段（如身份证号）：
    /// 相同输入在同一密钥下结果稳定。
    fn keyed_hash(&self, data: &[u8]) -> String;
    /// 为一种用途导出 32 字节密钥：HMAC-SM3(主密钥, 用途标签)。同一主密钥、同一标签结果稳定。
    fn derive_key(&self, purpose: &str) -> [u8; 32];
}

/// 审计日志链密钥的用途标签（[`Crypto::derive_key`]）。
pub const AUDIT_CHAIN_PURPOSE: &str = "lianzheng audit chain v1";
/// 密钥校验值的用途标签：存入数据库，用来发现节点换了密钥。
pub const KEY_CHECK_PURPOSE: &str = "lianzheng key check";

/// 软件实现：SM4-GCM + HMAC-SM3。
#[derive(Clone)]
pub struct Sm4Crypto {
    aead: Sm4Gcm,
    mac: HmacSm3,
    /// HMAC-SM3 keyed with the whole master key, for [`Crypto::derive_key`].
    kdf: HmacSm3,
}

impl fmt::Debug for Sm4Crypto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // 不输出任何密钥材料
        f.write_str("Sm4Crypto { .. }")
    }
}

impl Sm4Crypto {
    /// 由 64 个十六进制字符（32 字节）的主密钥构造：前 16 字节为 SM4 密钥，后 16 字节为 HMAC 密钥。
    /// 允许首尾空白与大写字母；拒绝长度不对、非十六进制以及全零密钥。
    pub fn from_key_hex(hex64: &str) -> Result<Self, CryptoError> {
        let hex64 = hex64.trim();
        if hex64.len() != KEY_LEN * 2 {
            return Err(CryptoError::InvalidKey(format!("应为{}个十六进制字符，实际为{}个", KEY_LEN * 2, hex64.chars().count())));
        }
        let mut key = [0u8; KEY_LEN];
        hex::decode_to_slice(hex64, &mut key).map_err(|_| CryptoError::InvalidKey("含有非十六进制字符".to_string()))?;
        if key.iter().all(|b| *b == 0) {
            return Err(CryptoError::InvalidKey("密钥不能全为零".to_string()));
        }
        let (enc_key, mac_key) = key.split_at(KEY_LEN / 2);
        let aead = Sm4Gcm::new_from_slice(enc_key).map_err(|_| CryptoError::InvalidKey("SM4 密钥长度错误".to_string()))?;
        let mac = <HmacSm3 as KeyInit>::new_from_slice(mac_key).map_err(|_| CryptoError::InvalidKey("HMAC 密钥长度错误".to_string()))?;
        let kdf = <HmacSm3 as KeyInit>::new_from_slice(&key).map_err(|_| CryptoError::InvalidKey("HMAC 密钥长度错误".to_string()))?;
        Ok(Self { aead, mac, kdf })
    }

    /// 生成新的随机主密钥（32 字节，64 个小写十六进制字符）。
    pub fn generate_key_hex() -> String {
        let mut key = [0u8; KEY_LEN];
        rand::fill(&mut key[..]);
        hex::encode(key)
    }
}

impl Crypto for Sm4Crypto {
    fn encrypt(&self, plain: &[u8]) -> Vec<u8> {
        let mut nonce_bytes = [0u8; NONCE_LEN];
        rand::fill(&mut nonce_bytes[..]);
        let nonce = Nonce::<Sm4Gcm>::from(nonce_bytes);
        match self.aead.encrypt(&nonce, plain) {
            Ok(ct) => {
                let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
                out.extend_from_slice(&nonce_bytes);
                out.extend_from_slice(&ct);
                out
            }
            // 仅在明文超过 GCM 长度上限时发生
            Err(_) => Vec::new(),
        }
    }

    fn decrypt(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if data.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::TooShort);
        }
        let (nonce_bytes, ct) = data.split_at(NONCE_LEN);
        let nonce = Nonce::<Sm4Gcm>::try_from(nonce_bytes).map_err(|_| CryptoError::TooShort)?;
        self.aead.decrypt(&nonce, ct).map_err(|_| CryptoError::Decrypt)
    }

    fn keyed_hash(&self, data: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }

    fn derive_key(&self, purpose: &str) -> [u8; 32] {
        let mut mac = self.kdf.clone();
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// 加密字符串，返回标准 Base64（带填充）。
pub fn encrypt_str(c: &dyn Crypto, s: &str) -> String {
    B64.encode(c.encrypt(s.as_bytes()))
}

/// 解密 [`encrypt_str`] 的输出。
pub fn decrypt_str(c: &dyn Crypto, b64: &str) -> Result<String, CryptoError> {
    let data = B64.decode(b64.trim()).map_err(|_| CryptoError::Base64)?;
    let plain = c.decrypt(&data)?;
    String::from_utf8(plain).map_err(|_| CryptoError::Utf8)
}

/// SM3 摘要，小写十六进制（64 个字符）。
pub fn sm3_hex(data: &[u8]) -> String {
    hex::encode(Sm3::digest(data))
}

/// 带密钥的审计日志链的一环：`HMAC-SM3(key, prev_hash_hex 的字节 || 0x1f || entry)`，小写十六进制。
/// 没有密钥的数据库写入者无法为改动过的记录算出新的链值。
pub fn chain_hmac(key: &[u8; 32], prev_hash_hex: &str, entry: &[u8]) -> String {
    // a 32-byte key is always a valid HMAC key; the fallback only satisfies the type
    let Ok(mut mac) = <HmacSm3 as KeyInit>::new_from_slice(key) else { return String::new() };
    mac.update(prev_hash_hex.as_bytes());
    mac.update(&[0x1f]);
    mac.update(entry);
    hex::encode(mac.finalize().into_bytes())
}

/// 审计日志哈希链的一环（升级前的无密钥方案）：`sm3_hex(prev_hash_hex 的字节 || 0x1f || entry)`。
/// 第一条记录的 `prev_hash_hex` 由调用方约定（如空串或 64 个 `0`）。
pub fn chain_hash(prev_hash_hex: &str, entry: &[u8]) -> String {
    let mut h = Sm3::new();
    h.update(prev_hash_hex.as_bytes());
    h.update([0x1f]);
    h.update(entry);
    hex::encode(h.finalize())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use aes_gcm::aead::{AeadInOut, Payload};
    use sm4::cipher::{BlockCipherDecrypt, BlockCipherEncrypt};

    const KEY: &str = "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff";

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn sm3_known_answers() {
        // GB/T 32905-2016 附录 A 示例 1、2
        assert_eq!(sm3_hex(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
        assert_eq!(sm3_hex(&b"abcd".repeat(16)), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
    }

    #[test]
    fn sm4_block_known_answers() {
        // GB/T 32907-2016 附录 A 示例 1
        let key: [u8; 16] = h("0123456789abcdeffedcba9876543210").try_into().unwrap();
        let cipher = Sm4::new(&key.into());
        let mut block = key.into();
        cipher.encrypt_block(&mut block);
        assert_eq!(hex::encode(block), "681edf34d206965e86b3e94f536e4246");
        cipher.decrypt_block(&mut block);
        assert_eq!(block.as_slice(), &key);
        // 示例 2：同一密钥连续加密 1,000,000 次
        let mut block = key.into();
        for _ in 0..1_000_000 {
            cipher.encrypt_block(&mut block);
        }
        assert_eq!(hex::encode(block), "595298c7c6fd271f0402f804c33d3f66");
    }

    #[test]
    fn sm4_gcm_rfc8998_vector() {
        // RFC 8998 附录 A.1
        let aead = Sm4Gcm::new_from_slice(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap();
        let nonce = Nonce::<Sm4Gcm>::try_from(h("00001234567800000000ABCD").as_slice()).unwrap();
        let aad = h("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
        let pt = h(concat!("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD", "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"));
        let out = aead.encrypt(&nonce, Payload { msg: &pt, aad: &aad }).unwrap();
        let expected = concat!("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735", "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D", "83DE3541E4C2B58177E065A9BF7B62EC");
        assert_eq!(hex::encode_upper(&out), expected);
        let mut buf = out.clone();
        aead.decrypt_in_place(&nonce, &aad, &mut buf).unwrap();
        assert_eq!(buf, pt);
    }

    #[test]
    fn round_trip() {
        let c = Sm4Crypto::from_key_hex(KEY).unwrap();
        for msg in [&b""[..], b"x", "11010519491231002X".as_bytes(), &[0u8; 1000][..]] {
            let ct = c.encrypt(msg);
            assert_eq!(ct.len(), NONCE_LEN + msg.len() + TAG_LEN);
            assert_eq!(c.decrypt(&ct).unwrap(), msg);
        }
        // 相同明文两次加密结果不同（随机 nonce）
        assert_ne!(c.encrypt(b"same"), c.encrypt(b"same"));
        // 字符串接口
        let s = encrypt_str(&c, "张三 11010519491231002X");
        assert_eq!(decrypt_str(&c, &s).unwrap(), "张三 11010519491231002X");
        // 大写十六进制、首尾空白的密钥等价
        let c2 = Sm4Crypto::from_key_hex(&format!("  {} ", KEY.to_uppercase())).unwrap();
        assert_eq!(decrypt_str(&c2, &s).unwrap(), "张三 11010519491231002X");
    }

    #[test]
    fn tamper_detection() {
        let c = Sm4Crypto::from_key_hex(KEY).unwrap();
        let ct = c.encrypt(b"11010519491231002X");
        for i in 0..ct.len() {
            let mut bad = ct.clone();
            bad[i] ^= 0x01;
            assert_eq!(c.decrypt(&bad), Err(CryptoError::Decrypt), "byte {i}");
        }
        // 截断
        assert_eq!(c.decrypt(&ct[..ct.len() - 1]), Err(CryptoError::Decrypt));
        assert_eq!(c.decrypt(&ct[..NONCE_LEN + TAG_LEN - 1]), Err(CryptoError::TooShort));
        assert_eq!(c.decrypt(&[]), Err(CryptoError::TooShort));
        // 错误的密钥
        let other = Sm4Crypto::from_key_hex(&Sm4Crypto::generate_key_hex()).unwrap();
        assert_eq!(other.decrypt(&ct), Err(CryptoError::Decrypt));
        // 字符串接口的错误
        assert_eq!(decrypt_str(&c, "不是base64"), Err(CryptoError::Base64));
        let not_utf8 = B64.encode(c.encrypt(&[0xff, 0xfe]));
        assert_eq!(decrypt_str(&c, &not_utf8), Err(CryptoError::Utf8));
    }

    #[test]
    fn keyed_hash_stable_and_keyed() {
        let c = Sm4Crypto::from_key_hex(KEY).unwrap();
        let a = c.keyed_hash(b"11010519491231002X");
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(a, c.keyed_hash(b"11010519491231002X"));
        assert_eq!(a, Sm4Crypto::from_key_hex(KEY).unwrap().keyed_hash(b"11010519491231002X"));
        assert_ne!(a, c.keyed_hash(b"110105194912310021"));
        let other = Sm4Crypto::from_key_hex(&Sm4Crypto::generate_key_hex()).unwrap();
        assert_ne!(a, other.keyed_hash(b"11010519491231002X"));
        // 只由后 16 字节（HMAC 密钥）决定：改前 16 字节不影响
        let mut k2 = KEY.to_string();
        k2.replace_range(0..2, "ff");
        let c2 = Sm4Crypto::from_key_hex(&k2).unwrap();
        assert_eq!(a, c2.keyed_hash(b"11010519491231002X"));
    }

    #[test]
    fn hmac_sm3_matches_rfc2104_construction() {
        // 用 SM3 手工按 RFC 2104 构造 HMAC，核对库实现
        let c = Sm4Crypto::from_key_hex(KEY).unwrap();
        let mac_key = &h(KEY)[16..];
        let mut k = [0u8; 64];
        k[..16].copy_from_slice(mac_key);
        let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
        let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
        let inner = Sm3::digest([&ipad[..], b"hello"].concat());
        let outer = Sm3::digest([&opad[..], &inner[..]].concat());
        assert_eq!(c.keyed_hash(b"hello"), hex::encode(outer));
    }

    #[test]
    fn bad_keys() {
        assert!(matches!(Sm4Crypto::from_key_hex(""), Err(CryptoError::InvalidKey(_))));
        assert!(matches!(Sm4Crypto::from_key_hex(&KEY[..62]), Err(CryptoError::InvalidKey(_))));
        let mut bad = KEY.to_string();
        bad.replace_range(0..1, "g");
        assert!(matches!(Sm4Crypto::from_key_hex(&bad), Err(CryptoError::InvalidKey(_))));
        assert!(matches!(Sm4Crypto::from_key_hex(&"0".repeat(64)), Err(CryptoError::InvalidKey(_))));
        let k = Sm4Crypto::generate_key_hex();
        assert_eq!(k.len(), 64);
        assert_ne!(k, Sm4Crypto::generate_key_hex());
        assert!(Sm4Crypto::from_key_hex(&k).is_ok());
        // Debug 不泄露密钥
        let dbg = format!("{:?}", Sm4Crypto::from_key_hex(KEY).unwrap());
        assert_eq!(dbg, "Sm4Crypto { .. }");
    }

    #[test]
    fn chain() {
        let genesis = "0".repeat(64);
        let h1 = chain_hash(&genesis, b"entry-1");
        let mut manual = genesis.as_bytes().to_vec();
        manual.push(0x1f);
        manual.extend_from_slice(b"entry-1");
        assert_eq!(h1, sm3_hex(&manual));
        let h2 = chain_hash(&h1, b"entry-2");
        assert_ne!(h1, h2);
        assert_eq!(h2, chain_hash(&h1, b"entry-2"));
        // 分隔符使边界不可混淆
        assert_ne!(chain_hash("ab", b"c"), chain_hash("a", b"bc"));
    }

    #[test]
    fn derived_keys_and_keyed_chain() {
        let c = Sm4Crypto::from_key_hex(KEY).unwrap();
        // HMAC-SM3 over the whole 32-byte master key
        let mut mac = <HmacSm3 as KeyInit>::new_from_slice(&h(KEY)).unwrap();
        mac.update(AUDIT_CHAIN_PURPOSE.as_bytes());
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        let k = c.derive_key(AUDIT_CHAIN_PURPOSE);
        assert_eq!(k, expected);
        assert_ne!(k, c.derive_key(KEY_CHECK_PURPOSE));
        // not the search hash of the same label (that uses only the second half)
        assert_ne!(hex::encode(k), c.keyed_hash(AUDIT_CHAIN_PURPOSE.as_bytes()));
        let other = Sm4Crypto::from_key_hex(&Sm4Crypto::generate_key_hex()).unwrap();
        assert_ne!(k, other.derive_key(AUDIT_CHAIN_PURPOSE));
        // the keyed link: differs from the unkeyed one and from another key's
        let genesis = "0".repeat(64);
        let l = chain_hmac(&k, &genesis, b"entry-1");
        assert_eq!(l.len(), 64);
        assert_ne!(l, chain_hash(&genesis, b"entry-1"));
        assert_ne!(l, chain_hmac(&other.derive_key(AUDIT_CHAIN_PURPOSE), &genesis, b"entry-1"));
        assert_eq!(l, chain_hmac(&k, &genesis, b"entry-1"));
        assert_ne!(chain_hmac(&k, "ab", b"c"), chain_hmac(&k, "a", b"bc"));
    }

    #[test]
    fn trait_object_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Sm4Crypto>();
        let c: std::sync::Arc<dyn Crypto> = std::sync::Arc::new(Sm4Crypto::from_key_hex(KEY).unwrap());
        let ct = encrypt_str(c.as_ref(), "x");
        assert_eq!(decrypt_str(c.as_ref(), &ct).unwrap(), "x");
    }
}
