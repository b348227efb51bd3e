//! 居民身份证号码（GB 11643-1999，18 位）的解析、校验与脱敏。
//!
//! 结构：6 位地址码 + 8 位出生日期码（YYYYMMDD）+ 3 位顺序码 + 1 位校验码。
//! 校验码按 ISO 7064:1983 MOD 11-2 计算，值 10 记作 `X`。

use std::fmt;
use std::str::FromStr;

/// 已通过校验的 18 位身份证号码。内部总是 18 个 ASCII 字符，校验位 `X` 为大写。
///
/// 有意不实现 `Display`：避免把完整号码无意中写进日志或页面；
/// 需要完整号码时显式调用 [`IdCardNumber::as_str`]，展示时用 [`IdCardNumber::masked`]。
/// `Debug` 输出同样只含脱敏后的号码。
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdCardNumber(String);

/// 身份证号码校验错误。
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdCardError {
    #[error("身份证号应为18位")]
    Length,
    #[error("身份证号含有非法字符")]
    Chars,
    #[error("身份证号 出生日期无效")]
    BirthDate,
    #[error("身份证号 地区码无效")]
    Region,
    #[error("身份证号 校验位错误")]
    Checksum,
}

/// ISO 7064 MOD 11-2 各位加权因子（2^(17-i) mod 11）。
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// 余数 0..=10 对应的校验码。
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// 由前 17 位数字计算校验码（调用方保证 `digits` 为 17 个 ASCII 数字）。
fn check_char(digits: &[u8]) -> u8 {
    let sum: u32 = digits.iter().zip(WEIGHTS.iter()).map(|(d, w)| u32::from(d.wrapping_sub(b'0')) * w).sum();
    // sum % 11 必然 < 11，get 不会失败；为满足“无 panic”仍用 get。
    CHECK_CHARS.get((sum % 11) as usize).copied().unwrap_or(b'?')
}

fn num(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// 当前日期（北京时间），用于判断出生日期是否在未来。
fn today_beijing() -> time::Date {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::now_utc().to_offset(offset).date()
}

impl IdCardNumber {
    /// 解析并校验身份证号码。
    ///
    /// 去除首尾空白；要求 17 位数字加 1 位数字或 `X`（小写 `x` 可接受，保存为大写）；
    /// 地址码前两位（省级代码）须在 11..=82；出生日期须为真实日期，年份 1900 起，且不晚于今天（北京时间）；
    /// 最后校验 MOD 11-2 校验码。按以上顺序报告第一个错误。
    pub fn parse(s: &str) -> Result<Self, IdCardError> {
        let s = s.trim();
        if s.chars().count() != 18 {
            return Err(IdCardError::Length);
        }
        // 长度为 18 个字符；若含非 ASCII 字符则字节数不为 18 或下面的检查失败。
        let bytes = s.as_bytes();
        if bytes.len() != 18 {
            return Err(IdCardError::Chars);
        }
        let (body, last) = bytes.split_at(17);
        if !body.iter().all(u8::is_ascii_digit) {
            return Err(IdCardError::Chars);
        }
        let last = match last.first() {
            Some(c) if c.is_ascii_digit() => *c,
            Some(b'x' | b'X') => b'X',
            _ => return Err(IdCardError::Chars),
        };

        let province = num(&body[0..2]);
        if !(11..=82).contains(&province) {
            return Err(IdCardError::Region);
        }

        let year = num(&body[6..10]);
        let month = num(&body[10..12]);
        let day = num(&body[12..14]);
        let date = i32::try_from(year)
            .ok()
            .zip(u8::try_from(month).ok().and_then(|m| time::Month::try_from(m).ok()))
            .zip(u8::try_from(day).ok())
            .and_then(|((y, m), d)| time::Date::from_calendar_date(y, m, d).ok())
            .ok_or(IdCardError::BirthDate)?;
        if date.year() < 1900 || date > today_beijing() {
            return Err(IdCardError::BirthDate);
        }

        if check_char(body) != last {
            return Err(IdCardError::Checksum);
        }

        let mut out = String::with_capacity(18);
        out.push_str(&s[..17]);
        out.push(char::from(last));
        Ok(Self(out))
    }

    /// 完整号码（18 位，校验位大写）。仅在确有需要时使用（例如加密存储前）。
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 脱敏显示：保留前 6 位与后 4 位，中间 8 位为 `*`，如 `110105********002X`。
    pub fn masked(&self) -> String {
        mask_any(&self.0)
    }

    /// 出生日期 (年, 月, 日)。
    pub fn birth_date(&self) -> (i32, u8, u8) {
        let b = self.0.as_bytes();
        let part = |r: std::ops::Range<usize>| b.get(r).map(num).unwrap_or(0);
        let year = i32::try_from(part(6..10)).unwrap_or(0);
        let month = u8::try_from(part(10..12)).unwrap_or(0);
        let day = u8::try_from(part(12..14)).unwrap_or(0);
        (year, month, day)
    }

    /// 性别代码（GB/T 2261.1）：第 17 位奇数为 1（男），偶数为 2（女）。
    pub fn gender_code(&self) -> u8 {
        match self.0.as_bytes().get(16) {
            Some(d) if d.wrapping_sub(b'0') % 2 == 1 => 1,
            _ => 2,
        }
    }
}

impl fmt::Debug for IdCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdCardNumber").field(&self.masked()).finish()
    }
}

impl FromStr for IdCardNumber {
    type Err = IdCardError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for IdCardNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// 对任何“看起来像身份证号”的字符串做脱敏（用于日志）：
/// 15–18 个字符的保留前 6 位与后 4 位，中间替换为 `*`；其他长度全部替换为 `*`（长度不变）。
/// 按字符（而非字节）计数，不会截断多字节字符。
pub fn mask_any(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if (15..=18).contains(&n) { chars.iter().enumerate().map(|(i, c)| if i < 6 || i >= n - 4 { *c } else { '*' }).collect() } else { "*".repeat(n) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// 由前 17 位构造一个校验位正确的号码。
    fn with_check(first17: &str) -> String {
        let c = check_char(first17.as_bytes());
        format!("{first17}{}", char::from(c))
    }

    #[test]
    fn standard_example_valid() {
        // GB 11643-1999 附录中的示例号码。
        let id = IdCardNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), (1949, 12, 31));
        assert_eq!(id.gender_code(), 2);
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn second_standard_example() {
        // 另一个标准示例：440524188001010014 年份 1880 < 1900，应拒绝出生日期；
        // 换成 1980 年并重新计算校验位后有效。
        assert_eq!(IdCardNumber::parse("440524188001010014"), Err(IdCardError::BirthDate));
        // 确认该示例本身的校验位是正确的（只因年份被拒）。
        assert_eq!(with_check("44052418800101001"), "440524188001010014");
        let s = with_check("44052419800101001");
        let id = IdCardNumber::parse(&s).unwrap();
        assert_eq!(id.birth_date(), (1980, 1, 1));
        assert_eq!(id.gender_code(), 1);
    }

    #[test]
    fn lowercase_x_and_whitespace() {
        let id = IdCardNumber::parse("  11010519491231002x \n").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let id2: IdCardNumber = "11010519491231002X".parse().unwrap();
        assert_eq!(id, id2);
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(IdCardNumber::parse("110105194912310021"), Err(IdCardError::Checksum));
        assert_eq!(IdCardNumber::parse("110105194912310029"), Err(IdCardError::Checksum));
    }

    #[test]
    fn length_errors() {
        assert_eq!(IdCardNumber::parse(""), Err(IdCardError::Length));
        assert_eq!(IdCardNumber::parse("110105194912310"), Err(IdCardError::Length));
        assert_eq!(IdCardNumber::parse("11010519491231002X1"), Err(IdCardError::Length));
    }

    #[test]
    fn char_errors() {
        assert_eq!(IdCardNumber::parse("1101051949123100AX"), Err(IdCardError::Chars));
        assert_eq!(IdCardNumber::parse("X10105194912310020"), Err(IdCardError::Chars));
        assert_eq!(IdCardNumber::parse("11010519491231002Y"), Err(IdCardError::Chars));
        // 18 个字符但含汉字
        assert_eq!(IdCardNumber::parse("11010519491231002号"), Err(IdCardError::Chars));
        // 全角数字
        assert_eq!(IdCardNumber::parse("１1010519491231002X"), Err(IdCardError::Chars));
    }

    #[test]
    fn region_errors() {
        assert_eq!(IdCardNumber::parse(&with_check("00000019800101001")), Err(IdCardError::Region));
        assert_eq!(IdCardNumber::parse(&with_check("10010519800101001")), Err(IdCardError::Region));
        assert_eq!(IdCardNumber::parse(&with_check("99010519800101001")), Err(IdCardError::Region));
        assert!(IdCardNumber::parse(&with_check("82000019800101001")).is_ok());
    }

    #[test]
    fn birth_date_errors() {
        // 2 月 30 日
        assert_eq!(IdCardNumber::parse(&with_check("11010519900230001")), Err(IdCardError::BirthDate));
        // 非闰年 2 月 29 日 / 闰年 2 月 29 日
        assert_eq!(IdCardNumber::parse(&with_check("11010519000229001")), Err(IdCardError::BirthDate));
        assert!(IdCardNumber::parse(&with_check("11010520000229001")).is_ok());
        // 月份 13、日 00、月 00
        for s in ["11010519901301001", "11010519900100001", "11010519900001001"] {
            assert_eq!(IdCardNumber::parse(&with_check(s)), Err(IdCardError::BirthDate));
        }
        // 1899 年、未来年份
        assert_eq!(IdCardNumber::parse(&with_check("11010518991231001")), Err(IdCardError::BirthDate));
        assert_eq!(IdCardNumber::parse(&with_check("11010599990101001")), Err(IdCardError::BirthDate));
        assert!(IdCardNumber::parse(&with_check("11010519000101001")).is_ok());
    }

    #[test]
    fn future_date_rejected_today_accepted() {
        let today = today_beijing();
        let s = format!("110105{:04}{:02}{:02}001", today.year(), u8::from(today.month()), today.day());
        assert!(IdCardNumber::parse(&with_check(&s)).is_ok());
        if let Some(tomorrow) = today.next_day() {
            let s = format!("110105{:04}{:02}{:02}001", tomorrow.year(), u8::from(tomorrow.month()), tomorrow.day());
            assert_eq!(IdCardNumber::parse(&with_check(&s)), Err(IdCardError::BirthDate));
        }
    }

    #[test]
    fn gender() {
        let male = IdCardNumber::parse(&with_check("32010219851103123")).unwrap();
        assert_eq!(male.gender_code(), 1);
        let female = IdCardNumber::parse(&with_check("32010219851103124")).unwrap();
        assert_eq!(female.gender_code(), 2);
    }

    #[test]
    fn check_digit_x_case() {
        // 所有余数都能产生合法号码；挑一个余数为 2（校验位 X）的。
        let s = with_check("11010519491231002");
        assert!(s.ends_with('X'));
    }

    #[test]
    fn debug_is_masked() {
        let id = IdCardNumber::parse("11010519491231002X").unwrap();
        let dbg = format!("{id:?}");
        assert!(dbg.contains("110105********002X"));
        assert!(!dbg.contains("19491231"));
    }

    #[test]
    fn mask_any_cases() {
        assert_eq!(mask_any("11010519491231002X"), "110105********002X");
        assert_eq!(mask_any("110105491231002"), "110105*****1002");
        assert_eq!(mask_any("12345"), "*****");
        assert_eq!(mask_any(""), "");
        assert_eq!(mask_any("1234567890123456789"), "*******************");
        assert_eq!(mask_any("张三李四王五赵六孙七周八吴九郑十"), "张三李四王五******吴九郑十");
    }

    #[test]
    fn error_messages_chinese() {
        assert_eq!(IdCardError::Length.to_string(), "身份证号应为18位");
        assert_eq!(IdCardError::Checksum.to_string(), "身份证号 校验位错误");
    }
}
