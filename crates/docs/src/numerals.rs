//! 中文数字与公文结构层次序数（GB/T 9704-2012 第 7.3.3 条：“一、”“（一）”“1.”“（1）”）。

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
const UNITS: [&str; 4] = ["", "十", "百", "千"];

/// 把非负整数写成中文小写数字：1→一，10→十，11→十一，20→二十，101→一百零一，
/// 10000→一万，0→零。
pub fn chinese_number(n: u32) -> String {
    if n == 0 {
        return DIGITS[0].to_string();
    }
    // 按“亿、万、个”分组，每组 0..=9999。
    let groups = [(n / 100_000_000, "亿"), ((n / 10_000) % 10_000, "万"), (n % 10_000, "")];
    let mut out = String::new();
    let mut pending_zero = false;
    for (value, unit) in groups {
        if value == 0 {
            if !out.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if !out.is_empty() && (pending_zero || value < 1000) {
            out.push_str(DIGITS[0]);
        }
        pending_zero = false;
        out.push_str(&group_to_chinese(value));
        out.push_str(unit);
    }
    // 习惯读法：10～19 开头省略“一”（十、十一、十万）。
    if let Some(rest) = out.strip_prefix("一十") {
        out = format!("十{rest}");
    }
    out
}

/// 0 < value < 10000 的一组数字。
fn group_to_chinese(value: u32) -> String {
    let digits = [value / 1000, (value / 100) % 10, (value / 10) % 10, value % 10];
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, d) in digits.iter().enumerate() {
        let d = *d as usize;
        if d == 0 {
            if !out.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            out.push_str(DIGITS[0]);
            pending_zero = false;
        }
        out.push_str(DIGITS[d]);
        out.push_str(UNITS[3 - i]);
    }
    out
}

/// 公文结构层次序数：第一层“一、”，第二层“（一）”，第三层“1.”，第四层“（1）”。
/// 层级不在 1～4 之间时返回空字符串。
pub fn heading_prefix(level: u8, n: u32) -> String {
    match level {
        1 => format!("{}、", chinese_number(n)),
        2 => format!("（{}）", chinese_number(n)),
        3 => format!("{n}."),
        4 => format!("（{n}）"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers() {
        let cases = [
            (0, "零"),
            (1, "一"),
            (2, "二"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (19, "十九"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (111, "一百一十一"),
            (1000, "一千"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
            (2026, "二千零二十六"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_number(n), want, "n = {n}");
        }
    }

    #[test]
    fn large_numbers() {
        assert_eq!(chinese_number(10_000), "一万");
        assert_eq!(chinese_number(10_001), "一万零一");
        assert_eq!(chinese_number(100_000), "十万");
        assert_eq!(chinese_number(150_000), "十五万");
        assert_eq!(chinese_number(1_000_100), "一百万零一百");
        assert_eq!(chinese_number(12_345_678), "一千二百三十四万五千六百七十八");
        assert_eq!(chinese_number(100_000_000), "一亿");
        assert_eq!(chinese_number(100_000_001), "一亿零一");
        assert_eq!(chinese_number(u32::MAX), "四十二亿九千四百九十六万七千二百九十五");
    }

    #[test]
    fn prefixes() {
        assert_eq!(heading_prefix(1, 1), "一、");
        assert_eq!(heading_prefix(1, 12), "十二、");
        assert_eq!(heading_prefix(2, 3), "（三）");
        assert_eq!(heading_prefix(3, 1), "1.");
        assert_eq!(heading_prefix(4, 10), "（10）");
        assert_eq!(heading_prefix(0, 1), "");
        assert_eq!(heading_prefix(5, 1), "");
    }
}
