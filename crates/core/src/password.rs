//! 口令策略、Argon2id 口令哈希与一次性初始口令生成。

use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use rand::RngExt as _;

/// 口令允许的最大长度（字符数），防止超长输入。
pub const MAX_LEN: usize = 128;

/// 口令相关错误。
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要{min}个字符")]
    TooShort { min: usize },
    #[error("密码不能超过{max}个字符")]
    TooLong { max: usize },
    #[error("密码需包含大写字母、小写字母、数字、符号中的至少三类")]
    TooWeak,
    #[error("密码哈希参数无效：{0}")]
    Params(String),
    #[error("密码哈希计算失败：{0}")]
    Hash(String),
}

/// 检查口令策略：至少 `min_len` 个字符（按字符计，不按字节），不超过 [`MAX_LEN`]，
/// 且至少包含大写字母、小写字母、数字、符号四类中的三类。
///
/// 字母、数字仅指 ASCII；其他任何字符（标点、空格、汉字等）都算“符号”。
pub fn check_policy(pw: &str, min_len: usize) -> Result<(), PasswordError> {
    let n = pw.chars().count();
    if n < min_len {
        return Err(PasswordError::TooShort { min: min_len });
    }
    if n > MAX_LEN {
        return Err(PasswordError::TooLong { max: MAX_LEN });
    }
    let (mut upper, mut lower, mut digit, mut symbol) = (false, false, false, false);
    for c in pw.chars() {
        if c.is_ascii_uppercase() {
            upper = true;
        } else if c.is_ascii_lowercase() {
            lower = true;
        } else if c.is_ascii_digit() {
            digit = true;
        } else {
            symbol = true;
        }
    }
    let classes = [upper, lower, digit, symbol].iter().filter(|b| **b).count();
    if classes < 3 {
        return Err(PasswordError::TooWeak);
    }
    Ok(())
}

/// Argon2id（v0x13）口令哈希器。输出 PHC 字符串（`$argon2id$v=19$m=...,t=...,p=...$salt$hash`），
/// 盐为随机生成。校验时使用哈希串中记录的参数，因此调整参数后旧哈希仍能校验。
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    params: Params,
}

impl PasswordHasher {
    /// 自定义参数：内存 `m_cost_kib`（KiB）、迭代次数 `t_cost`、并行度 `p_cost`。
    /// 测试中可用很小的参数（如 `new(8, 1, 1)`）加快速度。
    pub fn new(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Result<Self, PasswordError> {
        let params = Params::new(m_cost_kib, t_cost, p_cost, None).map_err(|e| PasswordError::Params(e.to_string()))?;
        Ok(Self { params })
    }

    /// 生产参数（OWASP 推荐的 Argon2id 最低配置）：m=19456 KiB，t=2，p=1。
    pub fn production() -> Self {
        Self { params: Params::DEFAULT }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// 计算口令哈希，返回 PHC 字符串。
    pub fn hash(&self, pw: &str) -> Result<String, PasswordError> {
        self.argon2().hash_password(pw.as_bytes()).map(|h| h.to_string()).map_err(|e| PasswordError::Hash(e.to_string()))
    }

    /// 校验口令；哈希串格式错误或不匹配时返回 `false`（比较为常数时间）。
    pub fn verify(&self, pw: &str, phc: &str) -> bool {
        self.argon2().verify_password(pw.as_bytes(), phc).is_ok()
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::production()
    }
}

/// 一次性口令字母表：去掉易混淆的 I、O、l、o、i、0、1。
const OTP_UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const OTP_LOWER: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
const OTP_DIGIT: &[u8] = b"23456789";
const OTP_LEN: usize = 16;

/// 生成 16 位一次性（初始/重置）口令，字符取自无歧义字母表（大写、小写、数字），
/// 保证三类字符都出现，因而总能通过 `check_policy(_, 10)`。使用密码学安全随机数（约 92 位熵）。
pub fn generate_one_time_password() -> String {
    let alphabet: Vec<u8> = [OTP_UPPER, OTP_LOWER, OTP_DIGIT].concat();
    let mut rng = rand::rng();
    loop {
        let pw: String = (0..OTP_LEN).filter_map(|_| alphabet.get(rng.random_range(0..alphabet.len()))).map(|b| char::from(*b)).collect();
        // 拒绝采样：缺少某一类时重来（概率约 9%），结果在合格口令上均匀分布。
        let has = |set: &[u8]| pw.bytes().any(|b| set.contains(&b));
        if pw.len() == OTP_LEN && has(OTP_UPPER) && has(OTP_LOWER) && has(OTP_DIGIT) {
            return pw;
        }
    }
}

labelled_enum!(
    /// 密码重置申请 status: the 安全保密管理员 approves or rejects what the 系统管理员 asked.
    ResetStatus { Pending = "pending", "待审批"; Approved = "approved", "已批准"; Rejected = "rejected", "已驳回"; }
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn policy_length() {
        assert_eq!(check_policy("Ab1!", 10), Err(PasswordError::TooShort { min: 10 }));
        assert_eq!(PasswordError::TooShort { min: 10 }.to_string(), "密码至少需要10个字符");
        // 按字符而非字节计数：9 个汉字 + "A1" = 11 个字符
        assert!(check_policy("廉政建设监督平台啊A1", 10).is_ok());
        assert_eq!(check_policy("廉政建设A1", 10), Err(PasswordError::TooShort { min: 10 }));
        let long = "Aa1".repeat(50);
        assert_eq!(check_policy(&long, 10), Err(PasswordError::TooLong { max: MAX_LEN }));
    }

    #[test]
    fn policy_classes() {
        // 两类
        assert_eq!(check_policy("abcdefghij12", 10), Err(PasswordError::TooWeak));
        assert_eq!(check_policy("ABCDEFGHIJKL", 10), Err(PasswordError::TooWeak));
        assert_eq!(check_policy("abcdefgh!!!!", 10), Err(PasswordError::TooWeak));
        assert_eq!(PasswordError::TooWeak.to_string(), "密码需包含大写字母、小写字母、数字、符号中的至少三类");
        // 三类的各种组合
        assert!(check_policy("Abcdefghij12", 10).is_ok());
        assert!(check_policy("abcdefgh12!!", 10).is_ok());
        assert!(check_policy("ABCDEFGH12!!", 10).is_ok());
        assert!(check_policy("ABCDefgh!!!!", 10).is_ok());
        // 四类
        assert!(check_policy("Abcdef12!@#$", 10).is_ok());
        // 空格、汉字算符号
        assert!(check_policy("abcd efgh 12", 10).is_ok());
        assert!(check_policy("abcdefgh12廉", 10).is_ok());
    }

    #[test]
    fn hash_and_verify_small_params() {
        let h = PasswordHasher::new(8, 1, 1).unwrap();
        let phc = h.hash("Correct-Horse-9").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{phc}");
        assert!(h.verify("Correct-Horse-9", &phc));
        assert!(!h.verify("correct-horse-9", &phc));
        assert!(!h.verify("", &phc));
        // 同一口令两次哈希盐不同
        assert_ne!(phc, h.hash("Correct-Horse-9").unwrap());
        // 用别的参数的哈希器也能校验（参数取自哈希串）
        let other = PasswordHasher::new(16, 2, 1).unwrap();
        assert!(other.verify("Correct-Horse-9", &phc));
    }

    #[test]
    fn verify_malformed_is_false() {
        let h = PasswordHasher::new(8, 1, 1).unwrap();
        assert!(!h.verify("x", ""));
        assert!(!h.verify("x", "not a hash"));
        assert!(!h.verify("x", "$argon2id$v=19$m=8,t=1,p=1$$"));
        assert!(!h.verify("x", "$2b$12$abcdefghijklmnopqrstuu"));
    }

    #[test]
    fn bad_params() {
        assert!(matches!(PasswordHasher::new(0, 1, 1), Err(PasswordError::Params(_))));
        assert!(matches!(PasswordHasher::new(8, 0, 1), Err(PasswordError::Params(_))));
        assert!(matches!(PasswordHasher::new(8, 1, 0), Err(PasswordError::Params(_))));
    }

    #[test]
    fn production_params() {
        let p = PasswordHasher::production();
        assert_eq!(p.params.m_cost(), 19456);
        assert_eq!(p.params.t_cost(), 2);
        assert_eq!(p.params.p_cost(), 1);
    }

    #[test]
    fn one_time_password() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let pw = generate_one_time_password();
            assert_eq!(pw.chars().count(), 16);
            assert!(check_policy(&pw, 10).is_ok(), "{pw}");
            assert!(!pw.contains(['I', 'O', 'l', 'o', 'i', '0', '1']), "{pw}");
            assert!(seen.insert(pw));
        }
    }
}
