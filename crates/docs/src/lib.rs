//! lianzheng-docs: official documents (GB/T 9704-2012 DOCX) and XLSX tables.
//!
//! - [`gbt9704`]：按 GB/T 9704-2012《党政机关公文格式》生成 DOCX 公文；
//! - [`xlsx`]：Excel 表格的导出与导入；
//! - [`numerals`]：中文数字与公文结构层次序数。

pub mod gbt9704;
pub mod numerals;
pub mod qrsheet;
pub mod xlsx;

/// 文档生成与读取中的错误。消息为中文，可直接展示给用户。
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// 标题层级不在 1～4 之间。
    #[error("标题层级 {0} 无效，公文结构层次只能为 1～4 级")]
    InvalidHeadingLevel(u8),

    /// 成文日期不是有效日期。
    #[error("日期 {year}年{month}月{day}日 无效")]
    InvalidDate { year: i32, month: u32, day: u32 },

    /// 表格数据与表头不符等。
    #[error("表格数据无效：{0}")]
    InvalidTable(String),

    /// 上传的文件不是可读取的 XLSX 文件。`detail` 为底层原因，便于记录日志。
    #[error("文件不是有效的 Excel（.xlsx）文件")]
    InvalidXlsx { detail: String },

    /// 上传的表格超出读取上限（解压后过大、声明或实际的范围过大），防止“压缩炸弹”耗尽内存。
    /// 消息说明上限，可直接展示。
    #[error("{0}")]
    TooLarge(String),

    /// 生成 Excel 文件失败。
    #[error("生成 Excel 文件失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),

    /// 生成 DOCX 压缩包失败。
    #[error("生成 Word 文件失败：{0}")]
    Zip(#[from] zip::result::ZipError),

    /// 读写数据失败。
    #[error("读写数据失败：{0}")]
    Io(#[from] std::io::Error),
}

/// 显示宽度（以半角字符为单位）：全角/中日韩字符计 2，其他计 1。
pub(crate) fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// East Asian Wide / Fullwidth 字符的近似判断。
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2014 // 破折号在中文排版中占一个汉字宽
        | 0x2018..=0x201D // 中文引号
        | 0x2026
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("中文"), 4);
        assert_eq!(display_width("2026年"), 6);
        assert_eq!(display_width("（一）"), 6);
    }

    #[test]
    fn xlsx_error_message_is_chinese() {
        let e = DocError::InvalidXlsx { detail: "x".into() };
        assert_eq!(e.to_string(), "文件不是有效的 Excel（.xlsx）文件");
    }
}
