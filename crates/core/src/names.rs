//! 姓名检索辅助：拼音首字母、全拼、查询词规范化。
//!
//! 约定（存库与查询两端都用这里的函数，保证一致）：
//! - 汉字转为无声调拼音（小写，ü 写作 v）；多音字取常用读音，但姓名开头的常见多音姓氏按姓氏读音
//!   （如“单”→ shan、“曾”→ zeng、“解”→ xie，见本文件中的 `SURNAME_READINGS` 表）；
//! - ASCII 字母、数字（含全角）保留并转小写；
//! - 其他字符（空格、间隔号“·”、标点等）丢弃。

use pinyin::ToPinyin;

/// 常见多音姓氏的读音（仅用于姓名开头）。复姓在前，优先匹配。
const SURNAME_READINGS: &[(&str, &[&str])] = &[
    ("万俟", &["mo", "qi"]),
    ("尉迟", &["yu", "chi"]),
    ("长孙", &["zhang", "sun"]),
    ("单", &["shan"]),
    ("曾", &["zeng"]),
    ("解", &["xie"]),
    ("仇", &["qiu"]),
    ("朴", &["piao"]),
    ("查", &["zha"]),
    ("区", &["ou"]),
    ("乐", &["yue"]),
    ("覃", &["qin"]),
    ("盖", &["ge"]),
    ("缪", &["miao"]),
    ("翟", &["zhai"]),
    ("祭", &["zhai"]),
    ("种", &["chong"]),
    ("召", &["shao"]),
    ("员", &["yun"]),
    ("谌", &["chen"]),
    ("繁", &["po"]),
    ("秘", &["bi"]),
    ("冼", &["xian"]),
    ("沈", &["shen"]),
    ("石", &["shi"]),
    ("重", &["chong"]),
    ("柏", &["bai"]),
    ("褚", &["chu"]),
    ("隗", &["wei"]),
    ("宓", &["mi"]),
    ("澹台", &["tan", "tai"]),
];

/// 一个“词元”：汉字对应的无声调拼音，或单个保留的 ASCII 字母/数字。
enum Token {
    Pinyin(String),
    Ascii(char),
}

/// 把全角 ASCII（U+FF01..=U+FF5E）转为半角，其余不变。
fn to_halfwidth(c: char) -> char {
    let u = u32::from(c);
    if (0xFF01..=0xFF5E).contains(&u) { char::from_u32(u - 0xFEE0).unwrap_or(c) } else { c }
}

fn tokens(name: &str) -> Vec<Token> {
    let name = name.trim();
    let mut out = Vec::with_capacity(name.chars().count());
    let mut rest = name;
    // 姓名开头的多音姓氏
    for (surname, readings) in SURNAME_READINGS {
        if let Some(r) = rest.strip_prefix(surname) {
            out.extend(readings.iter().map(|p| Token::Pinyin((*p).to_string())));
            rest = r;
            break;
        }
    }
    for c in rest.chars() {
        let c = to_halfwidth(c);
        if c.is_ascii_alphanumeric() {
            out.push(Token::Ascii(c.to_ascii_lowercase()));
        } else if let Some(p) = c.to_pinyin() {
            // “ü”按键盘输入习惯写作“v”（吕 → lv）。
            out.push(Token::Pinyin(p.plain().replace('ü', "v")));
        }
    }
    out
}

/// 拼音首字母：“张三丰”→“zsf”。非汉字的字母、数字保留并转小写，其他字符丢弃。
pub fn pinyin_initials(name: &str) -> String {
    tokens(name)
        .into_iter()
        .filter_map(|t| match t {
            Token::Pinyin(p) => p.chars().next(),
            Token::Ascii(c) => Some(c),
        })
        .collect()
}

/// 无声调全拼：“张三”→“zhangsan”。非汉字的字母、数字保留并转小写，其他字符丢弃。
pub fn pinyin_full(name: &str) -> String {
    let mut out = String::new();
    for t in tokens(name) {
        match t {
            Token::Pinyin(p) => out.push_str(&p),
            Token::Ascii(c) => out.push(c),
        }
    }
    out
}

/// 查询词规范化：去首尾空白，连续空白（含全角空格）压成一个半角空格，ASCII 字母转小写。
pub fn normalize_query(q: &str) -> String {
    q.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase()
}

/// 查询词是否像拼音首字母/全拼：非空且全部为 ASCII 字母（不含空格、数字）。
pub fn looks_like_initials(q: &str) -> bool {
    !q.is_empty() && q.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials() {
        assert_eq!(pinyin_initials("张三丰"), "zsf");
        assert_eq!(pinyin_initials("李四"), "ls");
        assert_eq!(pinyin_initials(" 王 五 "), "ww");
        assert_eq!(pinyin_initials("阿卜杜·热合曼"), "abdrhm");
        assert_eq!(pinyin_initials("张3A"), "z3a");
        assert_eq!(pinyin_initials("Tom李"), "toml");
        assert_eq!(pinyin_initials("ＡＢ张"), "abz");
        assert_eq!(pinyin_initials(""), "");
        assert_eq!(pinyin_initials("！@#"), "");
    }

    #[test]
    fn full() {
        assert_eq!(pinyin_full("张三"), "zhangsan");
        assert_eq!(pinyin_full("张三丰"), "zhangsanfeng");
        assert_eq!(pinyin_full("吕布"), "lvbu");
        assert_eq!(pinyin_full("Li 明"), "liming");
    }

    #[test]
    fn heteronym_surnames() {
        assert_eq!(pinyin_full("单雄信"), "shanxiongxin");
        assert_eq!(pinyin_initials("曾国藩"), "zgf");
        assert_eq!(pinyin_full("解缙"), "xiejin");
        assert_eq!(pinyin_full("尉迟恭"), "yuchigong");
        assert_eq!(pinyin_initials("长孙无忌"), "zswj");
        assert_eq!(pinyin_full("仇英"), "qiuying");
        // 非开头位置不按姓氏读音处理
        assert_eq!(pinyin_full("单"), "shan");
    }

    #[test]
    fn normalize() {
        assert_eq!(normalize_query("  Zhang   San \t"), "zhang san");
        assert_eq!(normalize_query("张　三"), "张 三");
        assert_eq!(normalize_query("ZSF"), "zsf");
        assert_eq!(normalize_query("   "), "");
    }

    #[test]
    fn initials_detection() {
        assert!(looks_like_initials("zsf"));
        assert!(looks_like_initials("ZhangSan"));
        assert!(!looks_like_initials(""));
        assert!(!looks_like_initials("zs1"));
        assert!(!looks_like_initials("z s"));
        assert!(!looks_like_initials("张三"));
    }
}
