//! Excel（.xlsx）导出与导入。
//!
//! 导出基于 `rust_xlsxwriter`，导入基于 `calamine`；导入前先检查压缩包与声明的范围，
//! 拒绝“压缩炸弹”一类的文件（见 [`read_rows`]）。

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError, open_workbook_from_rs};
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

    let title_fmt = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let header_fmt = Format::new().set_bold().set_background_color(Color::RGB(0xD9D9D9)).set_border(FormatBorder::Thin).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter).set_text_wrap();
    let cell_fmt = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
    let text_fmt = cell_fmt.clone().set_num_format("@");

    for table in tables {
        let ncols = table.columns.len();
        if ncols == 0 {
            return Err(DocError::InvalidTable(format!("工作表“{}”没有列", table.sheet_name)));
        }
        if let Some((i, r)) = table.rows.iter().enumerate().find(|(_, r)| r.len() > ncols) {
            return Err(DocError::InvalidTable(format!("工作表“{}”第{}行有{}列，表头只有{}列", table.sheet_name, i + 1, r.len(), ncols)));
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
            sheet.write_string_with_format(header_row, col_num(c)?, column.header.as_str(), &header_fmt)?;
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
    let widest = cells.flat_map(|c| c.lines()).map(display_width).chain(std::iter::once(display_width(header))).max().unwrap_or(0);
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

/// 读取的上限。导入模板只有十来列、一次几千行；超出的多半是构造的“炸弹”文件（几 KB 的
/// 压缩包声明上百万行，或解压出几 GB 的 XML），在交给 calamine 之前拒绝，免得耗尽内存。
pub const MAX_UNCOMPRESSED: u64 = 50 * 1024 * 1024;
/// 行数上限。
pub const MAX_ROWS: u32 = 20_000;
/// 列数上限。
pub const MAX_COLS: u32 = 200;
/// 单元格数上限（声明的范围、实际读到的范围）。
pub const MAX_CELLS: u64 = 400_000;
/// 压缩包条目数上限（正常的 XLSX 只有十几个）。
const MAX_ENTRIES: usize = 2_000;
/// 大于 [`RATIO_FROM`] 的条目允许的解压比：表格 XML 通常为 5～20 倍。
const MAX_RATIO: u64 = 100;
const RATIO_FROM: u64 = 1024 * 1024;
/// 在工作表 XML 的开头多少字节内找 `<dimension>`（它在 `<sheetData>` 之前）。
const DIMENSION_WITHIN: usize = 64 * 1024;

/// 在 calamine 解析之前检查压缩包：条目数、每个条目声明的大小与压缩比、实际解压后的总大小
/// （逐个解压计数，不信任声明的大小），以及每张工作表声明的范围（`<dimension ref>`）。
fn check_package(bytes: &[u8], max_total: u64) -> Result<(), DocError> {
    let invalid = |e: &dyn std::fmt::Display| DocError::InvalidXlsx { detail: e.to_string() };
    let too_large = || DocError::TooLarge(format!("文件解压后过大，最多 {} MB", max_total / 1024 / 1024));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| invalid(&e))?;
    if zip.len() > MAX_ENTRIES {
        return Err(invalid(&format_args!("{} entries", zip.len())));
    }
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| invalid(&e))?;
        let size = entry.size();
        declared = declared.saturating_add(size);
        if declared > max_total {
            return Err(too_large());
        }
        if size > RATIO_FROM && size / entry.compressed_size().max(1) > MAX_RATIO {
            return Err(DocError::TooLarge(format!("文件的压缩比异常（{} 倍），不予读取", size / entry.compressed_size().max(1))));
        }
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| invalid(&e))?;
        let sheet = entry.name().is_ok_and(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"));
        // 至多读到总上限再多 1 字节，多出即拒绝
        let mut limited = (&mut entry).take(max_total - total + 1);
        let mut head = Vec::new();
        if sheet {
            (&mut limited).take(DIMENSION_WITHIN as u64).read_to_end(&mut head).map_err(|e| invalid(&e))?;
        }
        let rest = std::io::copy(&mut limited, &mut std::io::sink()).map_err(|e| invalid(&e))?;
        total += head.len() as u64 + rest;
        if total > max_total {
            return Err(too_large());
        }
        if let Some(dim) = declared_dimension(&head) {
            check_declared(&dim)?;
        }
    }
    Ok(())
}

/// 工作表 XML 开头的 `<dimension ref="A1:D20"/>` 的 `ref` 值（可带命名空间前缀）。
fn declared_dimension(xml: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(xml);
    let at = text.match_indices("dimension").find_map(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + "dimension".len()..].chars().next();
        (matches!(before, Some('<' | ':')) && after.is_some_and(char::is_whitespace)).then_some(i)
    })?;
    let tag = &text[at..];
    let tag = &tag[..tag.find('>')?];
    let r = tag.find("ref=")?;
    let value = &tag[r + 4..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// 单元格引用（如 `XFD1048576`）的 (行, 列)，从 0 起算；太大的数字饱和到 `u32::MAX`。
fn cell_position(r: &str) -> Option<(u32, u32)> {
    let r = r.trim().replace('$', "");
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = r.split_at(letters);
    if letters == 0 || row.is_empty() || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = col.bytes().fold(0u32, |acc, b| acc.saturating_mul(26).saturating_add(u32::from(b.to_ascii_uppercase() - b'A') + 1));
    let row = row.parse::<u32>().unwrap_or(u32::MAX);
    Some((row.saturating_sub(1), col.saturating_sub(1)))
}

/// 声明的范围超出上限则拒绝；无法识别的范围不在此拒绝（读取时另有上限）。
fn check_declared(dimension: &str) -> Result<(), DocError> {
    let (first, last) = dimension.split_once(':').unwrap_or(("A1", dimension));
    let (Some(start), Some(end)) = (cell_position(first), cell_position(last)) else {
        return Ok(());
    };
    let rows = u64::from(end.0.saturating_sub(start.0)) + 1;
    let cols = u64::from(end.1.saturating_sub(start.1)) + 1;
    if end.0 >= MAX_ROWS || end.1 >= MAX_COLS {
        return Err(DocError::TooLarge(format!("文件声明的表格范围过大（{}），最多 {MAX_ROWS} 行、{MAX_COLS} 列", last.trim())));
    }
    if rows * cols > MAX_CELLS {
        return Err(DocError::TooLarge(format!("文件声明的表格范围过大（{}），最多 {MAX_CELLS} 个单元格", dimension.trim())));
    }
    Ok(())
}

/// 列号（从 0 起）的字母名：0 → A，16383 → XFD。
fn column_name(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// 读取第一张工作表，每个单元格转为去除首尾空白的字符串。
///
/// - 行列从 A1 起算（前面的空行、空列保留为空字符串），每行长度相同；
/// - 末尾的空行、空列去掉；
/// - 数字不带多余的 “.0”；日期写作 `YYYY-MM-DD`（带时间时 `YYYY-MM-DD HH:MM:SS`）；
/// - 超出 [`MAX_UNCOMPRESSED`]、[`MAX_ROWS`]、[`MAX_COLS`]、[`MAX_CELLS`] 的文件
///   （含声明的范围超出的）返回 [`DocError::TooLarge`]，不读取。
pub fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, DocError> {
    let invalid = |e: &dyn std::fmt::Display| DocError::InvalidXlsx { detail: e.to_string() };
    check_package(bytes, MAX_UNCOMPRESSED)?;
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| invalid(&e))?;
    let Some(name) = workbook.sheet_names().into_iter().next() else {
        return Ok(Vec::new());
    };
    let mut reader = match workbook.worksheet_cells_reader(&name) {
        Ok(r) => r,
        // 第一张是图表页等非工作表：与没有数据相同
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(invalid(&e)),
    };
    // 逐个读单元格（不经 calamine 的整块区域，它按最远的单元格分配内存）
    let mut cells: Vec<((u32, u32), Data)> = Vec::new();
    let (mut last_row, mut last_col) = (0u32, 0u32);
    while let Some(cell) = reader.next_cell().map_err(|e| invalid(&e))? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        if r >= MAX_ROWS || c >= MAX_COLS {
            return Err(DocError::TooLarge(format!("表格超出读取范围（{}{}），最多 {MAX_ROWS} 行、{MAX_COLS} 列", column_name(c), u64::from(r) + 1)));
        }
        (last_row, last_col) = (last_row.max(r), last_col.max(c));
        if (u64::from(last_row) + 1) * (u64::from(last_col) + 1) > MAX_CELLS {
            return Err(DocError::TooLarge(format!("表格范围过大（A1:{}{}），最多 {MAX_CELLS} 个单元格", column_name(last_col), u64::from(last_row) + 1)));
        }
        cells.push(((r, c), Data::from(cell.get_value().clone())));
    }
    if cells.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<Vec<String>> = vec![vec![String::new(); last_col as usize + 1]; last_row as usize + 1];
    for ((r, c), value) in cells {
        if let Some(slot) = rows.get_mut(r as usize).and_then(|row| row.get_mut(c as usize)) {
            *slot = cell_to_string(&value);
        }
    }

    while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
        rows.pop();
    }
    let width = rows.iter().map(|r| r.iter().rposition(|c| !c.is_empty()).map_or(0, |p| p + 1)).max().unwrap_or(0);
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
    if let Some(stripped) = s.strip_suffix(".0") { stripped.to_string() } else { s }
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
                    Column { header: "姓名".into(), width: None, text: false },
                    Column { header: "身份证号".into(), width: None, text: true },
                    Column { header: "得分".into(), width: Some(8.0), text: false },
                    Column { header: "编号".into(), width: None, text: false },
                ],
                rows: vec![
                    vec!["张三".into(), "11010519491231002X".into(), "95".into(), "007".into()],
                    vec!["李四（县纪委监委）".into(), "110105194912310021".into(), "87.5".into(), "123456789012345678".into()],
                    vec!["王五".into()],
                ],
            },
            Table { title: None, sheet_name: "第二页".into(), columns: vec![Column { header: "备注".into(), width: None, text: false }], rows: vec![vec!["x".into()]] },
        ]
    }

    #[test]
    fn round_trip_keeps_id_numbers_and_chinese() {
        let bytes = write_tables(&sample()).unwrap();
        let rows = read_rows(&bytes).unwrap();
        assert_eq!(rows[0][0], "2026年度党风廉政建设责任制检查对象名单");
        assert_eq!(rows[1], vec!["姓名", "身份证号", "得分", "编号"]);
        assert_eq!(rows[2], vec!["张三", "11010519491231002X", "95", "007"]);
        assert_eq!(rows[3], vec!["李四（县纪委监委）", "110105194912310021", "87.5", "123456789012345678"]);
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
        let docx = crate::gbt9704::to_docx(&crate::gbt9704::OfficialDocument { date: (2026, 1, 1), ..Default::default() }).unwrap();
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

    /// The workbook with its first sheet's XML rewritten (every other part copied as it is).
    fn with_sheet(xlsx: &[u8], f: impl Fn(&str) -> String) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                data = f(&String::from_utf8(data).unwrap()).into_bytes();
            }
            out.start_file(name, options).unwrap();
            out.write_all(&data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn one_cell() -> Vec<u8> {
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "姓名").unwrap();
        wb.save_to_buffer().unwrap()
    }

    fn set_dimension(xml: &str, dimension: &str) -> String {
        let start = xml.find("<dimension ref=\"").unwrap() + "<dimension ref=\"".len();
        let end = start + xml[start..].find('"').unwrap();
        format!("{}{dimension}{}", &xml[..start], &xml[end..])
    }

    #[test]
    fn a_declared_range_beyond_the_limits_is_refused_before_reading() {
        let bomb = with_sheet(&one_cell(), |x| set_dimension(x, "A1:XFD1048576"));
        assert!(bomb.len() < 8 * 1024, "{}", bomb.len());
        let err = read_rows(&bomb).unwrap_err();
        assert!(matches!(err, DocError::TooLarge(_)));
        assert_eq!(err.to_string(), "文件声明的表格范围过大（XFD1048576），最多 20000 行、200 列");
        let wide = with_sheet(&one_cell(), |x| set_dimension(x, "A1:GR20000"));
        assert_eq!(read_rows(&wide).unwrap_err().to_string(), "文件声明的表格范围过大（A1:GR20000），最多 400000 个单元格");
        // within the limits, and a namespace prefix
        let fine = with_sheet(&one_cell(), |x| set_dimension(x, "A1:T20000"));
        assert_eq!(read_rows(&fine).unwrap(), vec![vec!["姓名"]]);
        assert_eq!(declared_dimension(b"<x:worksheet><x:dimension ref='B2:C3'/>").as_deref(), Some("B2:C3"));
        assert_eq!(declared_dimension(b"<dimensions ref=\"A1\"/>"), None);
    }

    #[test]
    fn cells_beyond_the_limits_are_refused_whatever_the_dimension_says() {
        let far = with_sheet(&one_cell(), |x| x.replace("</sheetData>", "<row r=\"30000\"><c r=\"B30000\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>"));
        assert_eq!(read_rows(&far).unwrap_err().to_string(), "表格超出读取范围（B30000），最多 20000 行、200 列");
        let corner = with_sheet(&one_cell(), |x| x.replace("</sheetData>", "<row r=\"19999\"><c r=\"GR19999\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>"));
        assert_eq!(read_rows(&corner).unwrap_err().to_string(), "表格范围过大（A1:GR19999），最多 400000 个单元格");
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_inflated_into_memory() {
        // 40 MB of sheet XML that deflates to a few dozen KB
        let row = "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>";
        let bomb = |mb: usize| {
            let rows = row.repeat(mb * 1024 * 1024 / row.len());
            with_sheet(&one_cell(), |x| x.replace("</sheetData>", &format!("{rows}</sheetData>")))
        };
        let forty = bomb(40);
        assert!(forty.len() < 1024 * 1024, "{}", forty.len());
        let err = read_rows(&forty).unwrap_err();
        assert!(matches!(err, DocError::TooLarge(_)), "{err}");
        assert!(err.to_string().starts_with("文件的压缩比异常"), "{err}");
        assert_eq!(read_rows(&bomb(60)).unwrap_err().to_string(), "文件解压后过大，最多 50 MB");
        // the inflated total counts, not the declared sizes
        let plain = one_cell();
        assert!(check_package(&plain, 1024 * 1024).is_ok());
        assert_eq!(check_package(&plain, 2048).unwrap_err().to_string(), "文件解压后过大，最多 0 MB");
    }

    #[test]
    fn positions_and_column_names() {
        assert_eq!(cell_position("A1"), Some((0, 0)));
        assert_eq!(cell_position("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_position("$B$3"), Some((2, 1)));
        assert_eq!(cell_position("A99999999999"), Some((u32::MAX - 1, 0)));
        assert_eq!(cell_position("12"), None);
        assert_eq!(cell_position("A"), None);
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16_383), "XFD");
    }
}
