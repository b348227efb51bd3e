//! Excel（.xlsx）导出与导入。
//!
//! 导出基于 `rust_xlsxwriter`，导入基于 `calamine`。

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{ColNum, Color, Format, FormatAlign, FormatBorder, RowNum, Workbook};

use crate::{DocError, display_width};

/// 一列。
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Column {
    /// 表头文字。
    pub header: String,
    /// 列宽（字符数）；`None` 时按内容自动计算，中日韩字符按 2 个字符计。
    pub width: Option<f64>,
    /// 强制文本格式（如身份证号，避免 Excel 把 18 位数字变成科学计数法）。
    pub text: bool,
}

/// 一张工作表。
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// 表头上方合并居中的加粗标题行。
    pub title: Option<String>,
    /// 工作表名称（不超过 31 个字符，不能含 `[]:*?/\`）。
    pub sheet_name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;

/// 把若干表格写成一个 XLSX 文件，每个表格一张工作表。
///
/// 表头加粗、灰底、带边框并冻结；列宽按中文显示宽度估算（6～60 字符）。
/// 非文本列中形如整数或小数（不超过 15 位有效数字、无前导 0）的单元格写为数字，
/// 其余一律写为文本。
pub fn write_tables(tables: &[Table]) -> Result<Vec<u8>, DocError> {
    let mut workbook = Workbook::new();

    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let header_fmt = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let cell_fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let text_fmt = cell_fmt.clone().set_num_format("@");

    for table in tables {
        let ncols = table.columns.len();
        if ncols == 0 {
            return Err(DocError::InvalidTable(format!(
                "工作表“{}”没有列",
                table.sheet_name
            )));
        }
        if let Some((i, r)) = table.rows.iter().enumerate().find(|(_, r)| r.len() > ncols) {
            return Err(DocError::InvalidTable(format!(
                "工作表“{}”第{}行有{}列，表头只有{}列",
                table.sheet_name,
                i + 1,
                r.len(),
                ncols
            )));
        }
        let last_col = col_num(ncols - 1)?;

        let sheet = workbook.add_worksheet();
        sheet.set_name(table.sheet_name.as_str())?;

        let mut row: RowNum = 0;
        if let Some(title) = table.title.as_deref() {
            if last_col == 0 {
                sheet.write_string_with_format(row, 0, title, &title_fmt)?;
            } else {
                sheet.merge_range(row, 0, row, last_col, title, &title_fmt)?;
            }
            sheet.set_row_height(row, 24)?;
            row += 1;
        }

        let header_row = row;
        for (c, column) in table.columns.iter().enumerate() {
            sheet.write_string_with_format(
                header_row,
                col_num(c)?,
                column.header.as_str(),
                &header_fmt,
            )?;
        }
        sheet.set_freeze_panes(header_row + 1, 0)?;

        for (i, r) in table.rows.iter().enumerate() {
            let rn = header_row + 1 + row_num(i)?;
            for (c, column) in table.columns.iter().enumerate() {
                let value = r.get(c).map_or("", String::as_str);
                let cn = col_num(c)?;
                if column.text {
                    sheet.write_string_with_format(rn, cn, value, &text_fmt)?;
                } else if let Some(n) = safe_number(value) {
                    sheet.write_number_with_format(rn, cn, n, &cell_fmt)?;
                } else {
                    sheet.write_string_with_format(rn, cn, value, &cell_fmt)?;
                }
            }
        }

        for (c, column) in table.columns.iter().enumerate() {
            let width = match column.width {
                Some(w) if w.is_finite() && w > 0.0 => w,
                _ => auto_width(&column.header, table.rows.iter().filter_map(|r| r.get(c))),
            };
            sheet.set_column_width(col_num(c)?, width)?;
        }
    }

    Ok(workbook.save_to_buffer()?)
}

fn col_num(c: usize) -> Result<ColNum, DocError> {
    ColNum::try_from(c).map_err(|_| DocError::InvalidTable("列数过多".into()))
}

fn row_num(r: usize) -> Result<RowNum, DocError> {
    RowNum::try_from(r).map_err(|_| DocError::InvalidTable("行数过多".into()))
}

/// 自动列宽：最宽内容（中日韩字符计 2）加 2，限制在 6～60。
fn auto_width<'a>(header: &str, cells: impl Iterator<Item = &'a String>) -> f64 {
    let widest = cells
        .flat_map(|c| c.lines())
        .map(display_width)
        .chain(std::iter::once(display_width(header)))
        .max()
        .unwrap_or(0);
    // usize → f64：列宽很小，精度不成问题。
    (widest as f64 + 2.0).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// 能安全写成数字的字符串：可选负号、无前导 0 的整数部分、可选小数部分，
/// 有效数字不超过 15 位（超过则 Excel 会丢精度）。
fn safe_number(s: &str) -> Option<f64> {
    let t = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if int.len() > 1 && int.starts_with('0') {
        return None;
    }
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) || f.ends_with('0'))
    {
        return None;
    }
    if int.len() + frac.map_or(0, str::len) > 15 {
        return None;
    }
    s.parse().ok()
}

/// 读取第一张工作表，每个单元格转为去除首尾空白的字符串。
///
/// - 行列从 A1 起算（前面的空行、空列保留为空字符串），每行长度相同；
/// - 末尾的空行、空列去掉；
/// - 数字不带多余的 “.0”；日期写作 `YYYY-MM-DD`（带时间时 `YYYY-MM-DD HH:MM:SS`）。
pub fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, DocError> {
    let invalid = |e: &dyn std::fmt::Display| DocError::InvalidXlsx {
        detail: e.to_string(),
    };
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| invalid(&e))?;
    let range = match workbook.worksheet_range_at(0) {
        None => return Ok(Vec::new()),
        Some(r) => r.map_err(|e| invalid(&e))?,
    };
    let Some((start_row, start_col)) = range.start() else {
        return Ok(Vec::new());
    };
    let pad_rows = usize::try_from(start_row).unwrap_or(0);
    let pad_cols = usize::try_from(start_col).unwrap_or(0);

    let mut rows: Vec<Vec<String>> = vec![Vec::new(); pad_rows];
    for r in range.rows() {
        let mut row = vec![String::new(); pad_cols];
        row.extend(r.iter().map(cell_to_string));
        rows.push(row);
    }

    while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
        rows.pop();
    }
    let width = rows
        .iter()
        .map(|r| r.iter().rposition(|c| !c.is_empty()).map_or(0, |p| p + 1))
        .max()
        .unwrap_or(0);
    for r in &mut rows {
        r.resize(width, String::new());
    }
    Ok(rows)
}

fn cell_to_string(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_float(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
            if dt.is_duration() {
                let total = dt.as_f64() * 24.0;
                format!("{}:{mi:02}:{s:02}", total.trunc())
            } else if dt.as_f64() < 1.0 {
                format!("{h:02}:{mi:02}:{s:02}")
            } else if h == 0 && mi == 0 && s == 0 {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) => {
            let s = s.trim();
            s.strip_suffix("T00:00:00").unwrap_or(s).to_string()
        }
        Data::DurationIso(s) => s.trim().to_string(),
        Data::Error(e) => e.to_string(),
    }
}

/// 浮点数转字符串：整数值不带 “.0”，其余用最短表示，并去掉二进制误差（保留 15 位有效数字）。
fn format_float(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{f:.0}");
    }
    // 例如 0.1+0.2 在 Excel 中显示为 0.3。
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    let s = rounded.to_string();
    if let Some(stripped) = s.strip_suffix(".0") {
        stripped.to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Table> {
        vec![
            Table {
                title: Some("2026年度党风廉政建设责任制检查对象名单".into()),
                sheet_name: "检查对象".into(),
                columns: vec![
                    Column {
                        header: "姓名".into(),
                        width: None,
                        text: false,
                    },
                    Column {
                        header: "身份证号".into(),
                        width: None,
                        text: true,
                    },
                    Column {
                        header: "得分".into(),
                        width: Some(8.0),
                        text: false,
                    },
                    Column {
                        header: "编号".into(),
                        width: None,
                        text: false,
                    },
                ],
                rows: vec![
                    vec![
                        "张三".into(),
                        "11010519491231002X".into(),
                        "95".into(),
                        "007".into(),
                    ],
                    vec![
                        "李四（县纪委监委）".into(),
                        "110105194912310021".into(),
                        "87.5".into(),
                        "123456789012345678".into(),
                    ],
                    vec!["王五".into()],
                ],
            },
            Table {
                title: None,
                sheet_name: "第二页".into(),
                columns: vec![Column {
                    header: "备注".into(),
                    width: None,
                    text: false,
                }],
                rows: vec![vec!["x".into()]],
            },
        ]
    }

    #[test]
    fn round_trip_keeps_id_numbers_and_chinese() {
        let bytes = write_tables(&sample()).unwrap();
        let rows = read_rows(&bytes).unwrap();
        assert_eq!(rows[0][0], "2026年度党风廉政建设责任制检查对象名单");
        assert_eq!(rows[1], vec!["姓名", "身份证号", "得分", "编号"]);
        assert_eq!(rows[2], vec!["张三", "11010519491231002X", "95", "007"]);
        assert_eq!(
            rows[3],
            vec![
                "李四（县纪委监委）",
                "110105194912310021",
                "87.5",
                "123456789012345678"
            ]
        );
        assert_eq!(rows[4], vec!["王五", "", "", ""]);
        assert_eq!(rows.len(), 5);
    }

    #[test]
    fn numbers_are_written_as_numbers_when_safe() {
        assert_eq!(safe_number("95"), Some(95.0));
        assert_eq!(safe_number("-3.25"), Some(-3.25));
        assert_eq!(safe_number("007"), None);
        assert_eq!(safe_number("1.50"), None);
        assert_eq!(safe_number("110105194912310021"), None);
        assert_eq!(safe_number("1e5"), None);
        assert_eq!(safe_number(""), None);
        assert_eq!(safe_number("12a"), None);
    }

    #[test]
    fn floats_format_without_trailing_zero() {
        assert_eq!(format_float(12.0), "12");
        assert_eq!(format_float(-3.0), "-3");
        assert_eq!(format_float(87.5), "87.5");
        assert_eq!(format_float(0.1 + 0.2), "0.3");
    }

    #[test]
    fn garbage_is_chinese_error() {
        let err = read_rows(b"this is not a spreadsheet").unwrap_err();
        assert!(matches!(err, DocError::InvalidXlsx { .. }));
        assert_eq!(err.to_string(), "文件不是有效的 Excel（.xlsx）文件");
        // 合法的 zip 但不是 xlsx
        let docx = crate::gbt9704::to_docx(&crate::gbt9704::OfficialDocument {
            date: (2026, 1, 1),
            ..Default::default()
        })
        .unwrap();
        let err = read_rows(&docx).unwrap_err();
        assert_eq!(err.to_string(), "文件不是有效的 Excel（.xlsx）文件");
        assert!(read_rows(&[]).is_err());
    }

    #[test]
    fn widths() {
        let cells = [String::from("中华人民共和国")];
        assert_eq!(auto_width("姓名", cells.iter()), 16.0);
        assert_eq!(auto_width("a", std::iter::empty()), MIN_WIDTH);
        let long = ["字".repeat(100)];
        assert_eq!(auto_width("x", long.iter()), MAX_WIDTH);
    }

    #[test]
    fn row_longer_than_columns_is_error() {
        let mut t = sample();
        t[0].rows.push(vec!["1".into(); 5]);
        assert!(matches!(write_tables(&t), Err(DocError::InvalidTable(_))));
    }

    #[test]
    fn dates_are_read_as_iso() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 11, 27).unwrap();
        ws.write_datetime_with_format(0, 0, &d, &date_fmt).unwrap();
        ws.write_number(0, 1, 3.0).unwrap();
        ws.write_string(0, 2, "  含空格  ").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let rows = read_rows(&bytes).unwrap();
        assert_eq!(rows, vec![vec!["2026-11-27", "3", "含空格"]]);
    }
}
