//! 基于时间的一次性口令（TOTP，RFC 6238）：HMAC-SHA1、6 位、30 秒步长。
//!
//! 这是与常见验证器 App（微信/企业微信小程序、Google Authenticator、FreeOTP 等）兼容的参数。
//! 注意：防重放（同一步长的验证码只接受一次）需要调用方记录最近一次成功的步长。

use totp_rs::{Algorithm, Builder, Secret, Totp};

const DIGITS: u8 = 6;
const STEP: u64 = 30;
/// 生成的密钥长度（字节）：160 位，RFC 4226 推荐值。
const SECRET_BYTES: usize = 20;

/// 生成新的 TOTP 密钥：160 位随机数的 Base32（RFC 4648，无填充，大写，32 个字符）。
pub fn generate_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::fill(&mut bytes[..]);
    Secret::from(bytes).to_base32()
}

/// 规范化用户或存储中的 Base32 密钥：去掉空白、连字符、`=` 填充并转大写。
fn normalize_secret(secret_b32: &str) -> String {
    secret_b32.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '=').map(|c| c.to_ascii_uppercase()).collect()
}

fn build(secret_b32: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(normalize_secret(secret_b32)).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(1)
        .with_step_duration(STEP)
        .with_secret(secret)
        // 检查密钥至少 128 位等 RFC 要求
        .build()
        .ok()
}

/// 百分号编码（RFC 3986 非保留字符之外的字节全部编码），用于 otpauth URL 的标签与参数。
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// 生成验证器 App 用的 Key URI（可做成二维码）：
/// `otpauth://totp/Issuer:account?secret=...&issuer=...`。
/// 发行方与账号按 RFC 3986 百分号编码（中文、空格、冒号等都会被编码）；
/// 算法、位数、步长都是默认值（SHA1/6/30），故不另写参数。
pub fn otpauth_url(secret_b32: &str, account: &str, issuer: &str) -> String {
    let issuer_enc = percent_encode(issuer);
    format!("otpauth://totp/{issuer_enc}:{}?secret={}&issuer={issuer_enc}", percent_encode(account), normalize_secret(secret_b32),)
}

/// 指定时刻（Unix 秒）的 6 位验证码；密钥无效时返回 `None`。用于测试与演示。
pub fn code_at(secret_b32: &str, unix_time: u64) -> Option<String> {
    build(secret_b32).map(|t| t.generate(unix_time).to_string())
}

/// 常数时间比较两个字节串（长度不同直接返回 false，长度不保密）。
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 校验验证码：接受当前步长及前后各 1 个步长（±30 秒时钟偏差）。
/// 三个候选全部计算并以常数时间比较，不提前退出。
/// 验证码可含空格（如 `123 456`）；密钥或验证码格式错误时返回 `false`。
pub fn verify(secret_b32: &str, code: &str, unix_time: u64) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Some(totp) = build(secret_b32) else {
        return false;
    };
    let step = unix_time / STEP;
    let mut ok = false;
    for s in [step.checked_sub(1), Some(step), step.checked_add(1)].into_iter().flatten() {
        let Some(t) = s.checked_mul(STEP) else {
            continue;
        };
        let candidate = totp.generate(t).to_string();
        ok |= ct_eq(candidate.as_bytes(), code.as_bytes());
    }
    ok
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// RFC 6238 附录 B 的 SHA1 测试密钥 "12345678901234567890"。
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn rfc6238_vectors() {
        // RFC 给出 8 位值，取后 6 位
        let cases = [(59u64, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")];
        for (t, expected8) in cases {
            let code = code_at(RFC_SECRET, t).unwrap();
            assert_eq!(code, &expected8[2..], "T={t}");
            assert!(verify(RFC_SECRET, &code, t));
        }
        assert_eq!(code_at(RFC_SECRET, 59).as_deref(), Some("287082"));
    }

    #[test]
    fn secret_encoding() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20 {
            let s = generate_secret();
            assert_eq!(s.len(), 32);
            assert!(s.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
            assert!(code_at(&s, 0).is_some());
            assert!(seen.insert(s));
        }
        // 小写、分组空格、填充都可接受
        assert_eq!(code_at("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", 59).as_deref(), Some("287082"));
    }

    #[test]
    fn window() {
        let t = 1_234_567_890;
        let prev = code_at(RFC_SECRET, t - 30).unwrap();
        let cur = code_at(RFC_SECRET, t).unwrap();
        let next = code_at(RFC_SECRET, t + 30).unwrap();
        let far = code_at(RFC_SECRET, t + 90).unwrap();
        assert!(verify(RFC_SECRET, &prev, t));
        assert!(verify(RFC_SECRET, &cur, t));
        assert!(verify(RFC_SECRET, &next, t));
        assert_ne!(far, cur);
        if far != prev && far != next {
            assert!(!verify(RFC_SECRET, &far, t));
        }
        // 空格分组
        let spaced = format!("{} {}", &cur[..3], &cur[3..]);
        assert!(verify(RFC_SECRET, &spaced, t));
        // t = 0 时没有上一个步长，不应出错
        let c0 = code_at(RFC_SECRET, 0).unwrap();
        assert!(verify(RFC_SECRET, &c0, 0));
        assert!(verify(RFC_SECRET, &code_at(RFC_SECRET, u64::MAX).unwrap(), u64::MAX));
    }

    #[test]
    fn malformed_input() {
        assert!(!verify(RFC_SECRET, "", 59));
        assert!(!verify(RFC_SECRET, "28708", 59));
        assert!(!verify(RFC_SECRET, "2870822", 59));
        assert!(!verify(RFC_SECRET, "+87082", 59));
        assert!(!verify(RFC_SECRET, "28708a", 59));
        assert!(!verify(RFC_SECRET, "２８７０８２", 59));
        assert!(!verify("not base32!", "287082", 59));
        assert!(!verify("", "287082", 59));
        // 太短的密钥（< 128 位）拒绝
        assert!(!verify("GEZDGNBV", "287082", 59));
        assert!(code_at("", 59).is_none());
        assert!(code_at("0189", 59).is_none());
    }

    #[test]
    fn url() {
        let u = otpauth_url(RFC_SECRET, "zhangsan", "Lianzheng");
        assert_eq!(u, "otpauth://totp/Lianzheng:zhangsan?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Lianzheng");
        let u = otpauth_url("gezd gnbv", "张三 a@b", "廉政平台");
        assert!(u.starts_with("otpauth://totp/%E5%BB%89"), "{u}");
        assert!(u.contains(":%E5%BC%A0%E4%B8%89%20a%40b?secret=GEZDGNBV&issuer=%E5%BB%89"), "{u}");
    }
}
