//! GB/T 9704-2012《党政机关公文格式》DOCX 生成。
//!
//! WordprocessingML 由本模块直接拼写，再用 `zip` 打包（原因见 crates/docs/DECISION.md）。
//!
//! 版式要点（括号内为标准条款）：
//! - A4 纸，天头 37mm、订口（左）28mm，版心 156mm×225mm（5.2）；
//! - 正文 3号仿宋，每面 22 行、每行 28 字（5.2.2），用 `w:docGrid type="linesAndChars"` 实现；
//! - 发文机关标志红色小标宋，居中，上边缘距版心上边缘 35mm（7.2.3）；
//! - 发文字号在标志下空二行居中，其下 4mm 处为与版心等宽的红色分隔线（7.2.4、7.2.6）；
//! - 标题 2号小标宋，红色分隔线下空二行居中（7.3.1）；主送机关在标题下空一行顶格（7.3.2）；
//! - 结构层次序数“一、”“（一）”“1.”“（1）”，分别用黑体、楷体、仿宋、仿宋（7.3.3）；
//! - 附件说明在正文下空一行左空二字（7.3.4）；署名右空二字，成文日期首字比署名首字右移二字（7.3.5.2）；
//! - 版记 4号仿宋，首末条分隔线为粗线、中间为细线，末条分隔线与版心下边缘重合（8）；
//! - 页码 4号半角宋体，“— 1 —”，单页居右空一字，双页居左空一字（7.5）。

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::numerals::heading_prefix;
use crate::{DocError, display_width};

/// 一份公文。
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfficialDocument {
    /// 发文机关标志，如“中共某某县纪律检查委员会”；红色小标宋居中，其后加“文件”二字
    /// （已以“文件”或其他文种名结尾时不加，如“……纪律检查委员会抄告单”，见 `DOC_KIND_MARKS`）。
    pub issuer: String,
    /// 发文字号，如“某纪发〔2026〕3号”，居中编排在标志之下。
    pub doc_number: Option<String>,
    /// 标题，2号小标宋居中；可含 `\n` 指定回行位置。
    pub title: String,
    /// 主送机关，标题下一行顶格，末尾自动补全角冒号。
    pub addressee: Option<String>,
    /// 正文。
    pub body: Vec<Block>,
    /// 附件名称（不含序号），生成“附件：1．xxx”。
    pub attachments: Vec<String>,
    /// 发文机关署名（落款）。
    pub signature: Option<String>,
    /// 成文日期（年, 月, 日），以阿拉伯数字写作“2026年11月27日”；版记中的印发日期也用它。
    pub date: (i32, u32, u32),
    /// 抄送机关。
    pub cc: Vec<String>,
    /// 印发机关。
    pub printer: Option<String>,
    /// 信函格式（函、回复意见）：发文机关标志只用机关名称，不加“文件”（GB/T 9704 10.1）。
    pub letter: bool,
}

/// 正文中的一块内容。
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 结构层次标题，层级 1～4；序数自动编排，文本中不要再写序数。
    Heading(u8, String),
    /// 正文段落，首行缩进二字；可含 `\n` 强制换行。
    Paragraph(String),
    /// 表格：通栏、带边框，表头行加粗并在每页重复。
    /// `widths` 为各列的相对宽度（按比例分配版心宽度），`None` 时按内容估算（序号等短列
    /// 按内容不折行，其余宽度按各列文字量分配，单位名称等词不被拆成多行）。
    /// `landscape` 时表格单独成横向页（一节），前后正文仍为纵向。
    Table { headers: Vec<String>, rows: Vec<Vec<String>>, widths: Option<Vec<u32>>, landscape: bool },
    /// 签订双方落款（责任书）：并排各一栏，每栏若干行（单位盖章、签字、日期），无边框。
    /// 正文含此块时不再另排发文机关署名与成文日期（日期写在栏中）。
    Parties(Vec<Vec<String>>),
}

// ---------------------------------------------------------------------------
// 版面尺寸（单位：twip，1/20 磅；1mm ≈ 56.693 twip）
// ---------------------------------------------------------------------------

const fn mm(v: u32) -> u32 {
    // 四舍五入到整 twip。
    (v * 14400 + 127) / 254
}

const PAGE_W: u32 = 11906; // 210mm
const PAGE_H: u32 = 16838; // 297mm
const MARGIN_TOP: u32 = mm(37);
const MARGIN_BOTTOM: u32 = mm(35);
const MARGIN_LEFT: u32 = mm(28);
const MARGIN_RIGHT: u32 = mm(26);
/// 版心宽度（156mm）。
const TEXT_W: u32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
/// 版心高度（225mm）。
const TEXT_H: u32 = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM;
const LINES_PER_PAGE: u32 = 22;
const CHARS_PER_LINE: u32 = 28;
/// 行距：版心高度 / 22，向下取整，保证 22 行排得下。
const LINE_PITCH: u32 = TEXT_H / LINES_PER_PAGE;
/// 正文字号（半磅）：3号 = 16pt。
const BODY_SZ: u32 = 32;
/// 正文字距：每字宽 = 版心宽 / 28（向下取整到 twip），与 3号字宽（320 twip）之差，
/// 写成 `w:spacing`（单位 twip）。即每字紧缩 0.25 磅，使每行恰好排 28 字。
///
/// 不用 `docGrid type="linesAndChars"` 的 `w:charSpace`：LibreOffice 在字符网格宽度
/// 小于字号时让每个汉字占两格（每行只剩 14 字），见 DECISION.md。
const CHAR_PITCH: u32 = TEXT_W / CHARS_PER_LINE;
const CHAR_SPACING: i64 = CHAR_PITCH as i64 - (BODY_SZ as i64) * 10;
/// 横向页的版心宽度：纸张横放，左右页边距同纵向。
const LANDSCAPE_TEXT_W: u32 = PAGE_H - MARGIN_LEFT - MARGIN_RIGHT;
/// 页脚距纸张下边缘：页码一字线约在版心下边缘之下 7mm。
const FOOTER_DIST: u32 = mm(25);
/// 4号字（14pt）一个字宽，用于版记与页码的“空一字”。
const SMALL_CHAR: u32 = 280;

/// 正文中 `units` 个半角字宽（两个半角 = 一个汉字）对应的 twip。
fn half_chars(units: usize) -> u32 {
    // units 很小，不会溢出；u32::try_from 失败时按一整行处理。
    let units = u32::try_from(units).unwrap_or(2 * CHARS_PER_LINE);
    units * CHAR_PITCH / 2
}

// 字体
const FANGSONG: &str = "仿宋_GB2312";
const KAITI: &str = "楷体_GB2312";
const HEITI: &str = "黑体";
const SONGTI: &str = "宋体";
const XIAOBIAOSONG: &str = "方正小标宋简体";

const RED: &str = "FF0000";

/// 标志以这些字结尾时不再加“文件”：文种名本身就是标志的一部分（如“中共某某县纪律检查委员会抄告单”）。
const DOC_KIND_MARKS: &[&str] = &["文件", "抄告单", "建议书", "通报", "简报", "纪要"];

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

// ---------------------------------------------------------------------------
// 公共入口
// ---------------------------------------------------------------------------

/// 生成 DOCX 文件内容。
pub fn to_docx(doc: &OfficialDocument) -> Result<Vec<u8>, DocError> {
    let date = format_date(doc.date)?;
    let document = document_xml(doc, &date)?;

    let zip_time = i32_to_u16(doc.date.0).and_then(|y| zip::DateTime::from_date_and_time(y, u8::try_from(doc.date.1).ok()?, u8::try_from(doc.date.2).ok()?, 0, 0, 0).ok()).unwrap_or(zip::DateTime::DEFAULT);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).last_modified_time(zip_time);

    let parts: [(&str, String); 11] = [
        ("[Content_Types].xml", content_types_xml()),
        ("_rels/.rels", root_rels_xml()),
        ("docProps/core.xml", core_xml(doc)),
        ("docProps/app.xml", app_xml()),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", document_rels_xml()),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/footer1.xml", footer_xml(false)),
        ("word/footer2.xml", footer_xml(true)),
    ];

    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in parts {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn i32_to_u16(v: i32) -> Option<u16> {
    u16::try_from(v).ok()
}

/// 成文日期：“2026年11月27日”（阿拉伯数字，月日不补零）。
fn format_date((year, month, day): (i32, u32, u32)) -> Result<String, DocError> {
    let valid_year = (1..=9999).contains(&year);
    let valid_month = (1..=12).contains(&month);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    };
    if !valid_year || !valid_month || day == 0 || day > days {
        return Err(DocError::InvalidDate { year, month, day });
    }
    Ok(format!("{year}年{month}月{day}日"))
}

// ---------------------------------------------------------------------------
// 文本与 run
// ---------------------------------------------------------------------------

/// 转义 XML 特殊字符，并去掉 XML 1.0 不允许的控制字符。
pub(crate) fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// 字符格式。
#[derive(Clone, Copy, Default)]
struct RunProps<'a> {
    font: Option<&'a str>,
    /// 半磅。
    size: Option<u32>,
    bold: bool,
    color: Option<&'a str>,
    /// 字符缩放百分比（w:w）。
    scale: Option<u32>,
}

impl RunProps<'_> {
    fn xml(&self) -> String {
        let mut s = String::new();
        if let Some(f) = self.font {
            let f = escape_xml(f);
            s.push_str(&format!(r#"<w:rFonts w:ascii="{f}" w:eastAsia="{f}" w:hAnsi="{f}" w:cs="{f}"/>"#));
        }
        if self.bold {
            s.push_str("<w:b/><w:bCs/>");
        }
        if let Some(c) = self.color {
            s.push_str(&format!(r#"<w:color w:val="{c}"/>"#));
        }
        if let Some(w) = self.scale {
            s.push_str(&format!(r#"<w:w w:val="{w}"/>"#));
        }
        if let Some(sz) = self.size {
            s.push_str(&format!(r#"<w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/>"#));
        }
        if s.is_empty() { s } else { format!("<w:rPr>{s}</w:rPr>") }
    }
}

/// 一个 run；`\n` 转为换行、`\t` 转为制表符。
fn run(text: &str, props: RunProps<'_>) -> String {
    let mut content = String::new();
    let mut buf = String::new();
    let flush = |buf: &mut String, content: &mut String| {
        if !buf.is_empty() {
            content.push_str(&format!(r#"<w:t xml:space="preserve">{}</w:t>"#, escape_xml(buf)));
            buf.clear();
        }
    };
    for c in text.chars() {
        match c {
            '\r' => {}
            '\n' => {
                flush(&mut buf, &mut content);
                content.push_str("<w:br/>");
            }
            '\t' => {
                flush(&mut buf, &mut content);
                content.push_str("<w:tab/>");
            }
            c => buf.push(c),
        }
    }
    flush(&mut buf, &mut content);
    format!("<w:r>{}{content}</w:r>", props.xml())
}

/// 一个段落：`ppr` 为 `w:pPr` 的内部内容，`runs` 为已拼好的 run。
fn para(ppr: &str, runs: &str) -> String {
    if ppr.is_empty() { format!("<w:p>{runs}</w:p>") } else { format!("<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>") }
}

fn style(id: &str) -> String {
    format!(r#"<w:pStyle w:val="{id}"/>"#)
}

/// 正文网格上的空行（“空一行”）。
fn blank_line() -> String {
    para(&style("GwPlain"), "")
}

// ---------------------------------------------------------------------------
// document.xml
// ---------------------------------------------------------------------------

fn document_xml(doc: &OfficialDocument, date: &str) -> Result<String, DocError> {
    let mut body = String::new();
    body.push_str(&header_block(doc));
    body.push_str(&title_block(doc));
    if let Some(addr) = &doc.addressee {
        body.push_str(&para(&style("GwPlain"), &run(&addressee_text(addr), RunProps::default())));
    }
    body.push_str(&body_blocks(&doc.body)?);
    body.push_str(&attachment_block(&doc.attachments));
    if !doc.body.iter().any(|b| matches!(b, Block::Parties(_))) {
        body.push_str(&signature_block(doc.signature.as_deref(), date));
    }
    body.push_str(&colophon_block(&doc.cc, doc.printer.as_deref(), date));
    // 最后一段：表格之后必须有段落；浮动的版记表格也锚定在这里。
    body.push_str(&para(r#"<w:pStyle w:val="GwPlain"/><w:snapToGrid w:val="0"/><w:spacing w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr>"#, ""));

    let sect = sect_xml(false, !body.contains("<w:sectPr>"));
    Ok(format!(r#"{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}{sect}</w:body></w:document>"#))
}

/// 一节的页面设置。`first`：文档的第一节（页码从 1 起；后面的节接续页码）。横向节纸张横放，
/// 页边距同纵向（左右 28/26mm，上下 37/35mm 不变会使横向版心过矮，所以上下取左右的值）。
fn sect_xml(landscape: bool, first: bool) -> String {
    let (pw, ph, orient, mt, mb) = if landscape { (PAGE_H, PAGE_W, r#" w:orient="landscape""#, MARGIN_LEFT, MARGIN_LEFT) } else { (PAGE_W, PAGE_H, "", MARGIN_TOP, MARGIN_BOTTOM) };
    let start = if first { r#" w:start="1""# } else { "" };
    format!(
        concat!(
            r#"<w:sectPr>"#,
            r#"<w:footerReference w:type="default" r:id="rIdFooterOdd"/>"#,
            r#"<w:footerReference w:type="even" r:id="rIdFooterEven"/>"#,
            r#"<w:type w:val="nextPage"/>"#,
            r#"<w:pgSz w:w="{pw}" w:h="{ph}"{orient}/>"#,
            r#"<w:pgMar w:top="{mt}" w:right="{mr}" w:bottom="{mb}" w:left="{ml}" w:header="851" w:footer="{fd}" w:gutter="0"/>"#,
            r#"<w:pgNumType w:fmt="decimal"{start}/>"#,
            r#"<w:cols w:space="425"/>"#,
            r#"<w:docGrid w:type="lines" w:linePitch="{lp}"/>"#,
            r#"</w:sectPr>"#
        ),
        pw = pw,
        ph = ph,
        orient = orient,
        mt = mt,
        mr = MARGIN_RIGHT,
        mb = mb,
        ml = MARGIN_LEFT,
        fd = FOOTER_DIST,
        lp = LINE_PITCH,
        start = start,
    )
}

/// A paragraph that ends a section (its properties describe the section before it).
fn section_break(landscape: bool, first: bool) -> String {
    format!(r#"<w:p><w:pPr><w:pStyle w:val="GwPlain"/>{}</w:pPr></w:p>"#, sect_xml(landscape, first))
}

/// 版头：发文机关标志、发文字号、红色分隔线。
fn header_block(doc: &OfficialDocument) -> String {
    let mut out = String::new();
    let issuer = doc.issuer.trim();
    if !issuer.is_empty() {
        let mark = if doc.letter || DOC_KIND_MARKS.iter().any(|k| issuer.ends_with(k)) { issuer.to_string() } else { format!("{issuer}文件") };
        // 标志用 42pt（初号）小标宋；字数多时横向压缩（w:w）使其不超过版心宽度的 95%。
        const MARK_SZ: u32 = 84;
        let natural = u32::try_from(display_width(&mark)).unwrap_or(u32::MAX / 2).saturating_mul(MARK_SZ * 10 / 2); // 半角宽 = 字号/2，单位 twip
        let avail = TEXT_W * 95 / 100;
        let scale = if natural > avail { (avail * 100 / natural.max(1)).max(33) } else { 100 };
        out.push_str(&para(
            // 标志上边缘至版心上边缘 35mm。
            &format!(r#"<w:pStyle w:val="GwHead"/><w:spacing w:before="{}" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>"#, mm(35) - 340),
            &run(&mark, RunProps { font: Some(XIAOBIAOSONG), size: Some(MARK_SZ), color: Some(RED), scale: (scale < 100).then_some(scale), ..RunProps::default() }),
        ));
    }
    // 发文字号：标志下空二行，居中；其下 4mm 处为红色分隔线（段落下边框，2.25 磅）。
    // 既无标志也无字号的（如责任书）不是红头文件：没有版头。
    let number = doc.doc_number.as_deref().unwrap_or("");
    if issuer.is_empty() && number.trim().is_empty() {
        return out;
    }
    out.push_str(&para(
        &format!(
            concat!(
                r#"<w:pStyle w:val="GwHead"/>"#,
                r#"<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="11" w:color="{red}"/></w:pBdr>"#,
                r#"<w:spacing w:before="{before}" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>"#
            ),
            red = RED,
            // 二行减去字号行距中的空白（约 4mm），使字面间距接近两行。
            before = 2 * LINE_PITCH - mm(4),
        ),
        &run(number, RunProps::default()),
    ));
    out
}

/// 标题（红色分隔线下空二行）。
fn title_block(doc: &OfficialDocument) -> String {
    let title = doc.title.trim();
    if title.is_empty() {
        return String::new();
    }
    para(&format!(r#"<w:pStyle w:val="GwTitle"/><w:spacing w:before="{}" w:after="{}"/>"#, 2 * LINE_PITCH, LINE_PITCH), &run(title, RunProps::default()))
}

fn addressee_text(addr: &str) -> String {
    let a = addr.trim().trim_end_matches([':', '：']);
    format!("{a}：")
}

fn body_blocks(blocks: &[Block]) -> Result<String, DocError> {
    let mut out = String::new();
    let mut counters = [0u32; 4];
    let mut prev_table = false;
    // the landscape section already opened (by the table's heading)
    let mut in_landscape = false;
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading(level, text) => {
                // a heading directly above a landscape table goes on its page
                if matches!(blocks.get(i + 1), Some(Block::Table { landscape: true, .. })) {
                    let first = !out.contains("<w:sectPr>");
                    out.push_str(&section_break(false, first));
                    in_landscape = true;
                }
                let idx = match level {
                    1..=4 => usize::from(*level) - 1,
                    _ => return Err(DocError::InvalidHeadingLevel(*level)),
                };
                counters[idx] += 1;
                for c in counters.iter_mut().skip(idx + 1) {
                    *c = 0;
                }
                let text = format!("{}{}", heading_prefix(*level, counters[idx]), text.trim());
                out.push_str(&para(&style(&format!("Heading{level}")), &run(&text, RunProps::default())));
                prev_table = false;
            }
            Block::Paragraph(text) => {
                out.push_str(&para(&style("GwBody"), &run(text.trim(), RunProps::default())));
                prev_table = false;
            }
            Block::Table { headers, rows, widths, landscape: true } => {
                // 横向页自成一节：先结束前面的纵向节，表格之后结束横向节。
                if !in_landscape {
                    let first = !out.contains("<w:sectPr>");
                    out.push_str(&section_break(false, first));
                }
                in_landscape = false;
                out.push_str(&table_xml(headers, rows, widths.as_deref(), LANDSCAPE_TEXT_W)?);
                out.push_str(&section_break(true, false));
                prev_table = false;
            }
            Block::Table { headers, rows, widths, landscape: false } => {
                if prev_table {
                    // 相邻两个表格之间必须隔一个段落，否则会被合并。
                    out.push_str(&blank_line());
                }
                out.push_str(&table_xml(headers, rows, widths.as_deref(), TEXT_W)?);
                prev_table = true;
            }
            Block::Parties(columns) => {
                if prev_table {
                    out.push_str(&blank_line());
                }
                out.push_str(&parties_xml(columns));
                prev_table = true;
            }
        }
    }
    Ok(out)
}

/// 正文表格。
fn table_xml(headers: &[String], rows: &[Vec<String>], widths: Option<&[u32]>, text_w: u32) -> Result<String, DocError> {
    let ncols = if headers.is_empty() { rows.iter().map(Vec::len).max().unwrap_or(0) } else { headers.len() };
    if ncols == 0 {
        return Ok(String::new());
    }
    if !headers.is_empty()
        && let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() > ncols)
    {
        return Err(DocError::InvalidTable(format!("第{}行有{}列，表头只有{}列", i + 1, r.len(), ncols)));
    }

    let col_w = match widths {
        Some(w) => {
            if w.len() != ncols {
                return Err(DocError::InvalidTable(format!("列宽有{}项，表格有{}列", w.len(), ncols)));
            }
            if w.iter().all(|&x| x == 0) {
                return Err(DocError::InvalidTable("列宽不能全为 0".into()));
            }
            let weights: Vec<u64> = w.iter().map(|&x| u64::from(x)).collect();
            scale_to_width(&weights, text_w)
        }
        None => {
            let col = |c: usize| headers.get(c).into_iter().chain(rows.iter().filter_map(move |r| r.get(c)));
            let pad = 2 * u64::from(TABLE_CELL_MARGIN) + 40;
            let columns: Vec<ColumnText> = (0..ncols)
                .map(|c| ColumnText {
                    // 不折行所需宽度：最长一行；至少两个汉字宽。
                    natural: col(c).flat_map(|t| t.lines().map(table_text_twips)).max().unwrap_or(0).max(2 * 280) + pad,
                    // 不可拆的词（单位名称等，以顿号、逗号、空格分隔）最多折成三行，表头不拆。
                    word: col(c).flat_map(|t| t.split(['、', '，', ',', ' ', '\n']).map(table_text_twips)).max().unwrap_or(0).div_ceil(3).max(headers.get(c).map_or(0, |h| table_text_twips(h))) + pad,
                    // 各格各行的宽度：决定长列之间怎么分（表格最矮）。
                    cells: rows.iter().map(|r| r.get(c).map(|t| t.lines().map(table_text_twips).collect()).unwrap_or_default()).collect(),
                })
                .collect();
            auto_column_widths(&columns, text_w)
        }
    };
    // 各列的对齐：表头居中；整列都很短的（序号、时限等）居中；其余左对齐（不两端对齐，
    // 否则短行被拉开字距）。
    let centered: Vec<bool> = (0..ncols).map(|c| rows.iter().filter_map(|r| r.get(c)).all(|t| display_width(t.trim()) <= 14)).collect();

    let border = |side: &str| format!(r#"<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>"#);
    let mut x = String::new();
    x.push_str("<w:tbl><w:tblPr>");
    x.push_str(&format!(r#"<w:tblW w:w="{text_w}" w:type="dxa"/><w:jc w:val="center"/>"#));
    x.push_str("<w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        x.push_str(&border(side));
    }
    x.push_str("</w:tblBorders>");
    x.push_str(r#"<w:tblLayout w:type="fixed"/>"#);
    x.push_str(&format!(r#"<w:tblCellMar><w:left w:w="{m}" w:type="dxa"/><w:right w:w="{m}" w:type="dxa"/></w:tblCellMar>"#, m = TABLE_CELL_MARGIN));
    x.push_str(r#"<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>"#);
    x.push_str("</w:tblPr><w:tblGrid>");
    for w in &col_w {
        x.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
    }
    x.push_str("</w:tblGrid>");

    let cell = |text: &str, width: u32, header: bool, center: bool| {
        let jc = if header || center { "center" } else { "left" };
        format!(
            r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>{}</w:tc>"#,
            para(&format!(r#"<w:pStyle w:val="GwTable"/><w:jc w:val="{jc}"/>"#), &run(text.trim(), RunProps { bold: header, ..RunProps::default() }))
        )
    };

    if !headers.is_empty() {
        x.push_str(r#"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"#);
        for (h, w) in headers.iter().zip(&col_w) {
            x.push_str(&cell(h, *w, true, true));
        }
        x.push_str("</w:tr>");
    }
    for r in rows {
        x.push_str(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
        for (c, w) in col_w.iter().enumerate() {
            x.push_str(&cell(r.get(c).map_or("", String::as_str), *w, false, centered.get(c).copied().unwrap_or(false)));
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    Ok(x)
}

/// 表格单元格左右边距（twip，约 1.5mm）。
const TABLE_CELL_MARGIN: u32 = 85;

/// 表格文字（4号，14pt）的估计宽度（twip）：汉字 280；数字、字母按 0.65 字宽计
/// （仿宋_GB2312 的数字是半角 0.5 字宽，其他字体的比例数字略宽）。
fn table_text_twips(s: &str) -> u64 {
    s.trim().chars().map(|c| if crate::is_wide(c) { 280 } else { 182 }).sum()
}

/// 按相对宽度分配 `text_w`，末列补足取整误差。
fn scale_to_width(weights: &[u64], text_w: u32) -> Vec<u32> {
    let total: u64 = weights.iter().sum::<u64>().max(1);
    let mut col_w: Vec<u32> = weights.iter().map(|&w| u32::try_from(u64::from(text_w) * w / total).unwrap_or(0)).collect();
    let used: u32 = col_w.iter().sum();
    if let Some(last) = col_w.last_mut() {
        *last += text_w.saturating_sub(used);
    }
    col_w
}

/// What a column's text needs (twip): `natural` on one line, `word` at least (its longest word
/// in three lines, its header on one), and each row's cell as the widths of its lines.
#[derive(Debug, Clone)]
struct ColumnText {
    natural: u64,
    word: u64,
    cells: Vec<Vec<u64>>,
}

/// Lines a cell takes at column width `w` (twip, cell margins included).
fn cell_lines(cell: &[u64], w: u64) -> u64 {
    let inner = w.saturating_sub(2 * u64::from(TABLE_CELL_MARGIN) + 40).max(1);
    cell.iter().map(|t| t.div_ceil(inner).max(1)).sum::<u64>().max(1)
}

/// 自动列宽：放得下时按内容宽度等比放大；放不下时，内容短的列保持内容宽度（不折行），
/// 其余宽度分给长列，使表格最矮（文字最多的“任务内容”因而最宽），每列不窄于其最长的词
/// 的三分之一（单位名称至多折成三行）、也不宽于不折行所需。
fn auto_column_widths(cols: &[ColumnText], text_w: u32) -> Vec<u32> {
    let total = u64::from(text_w);
    let natural: Vec<u64> = cols.iter().map(|c| c.natural).collect();
    if natural.iter().sum::<u64>() <= total {
        return scale_to_width(&natural, text_w);
    }
    // 短列：不折行的宽度不超过平均份额的，定为不折行宽度。
    let mut width: Vec<Option<u64>> = vec![None; cols.len()];
    loop {
        let fixed: u64 = width.iter().flatten().sum();
        let flex = width.iter().filter(|w| w.is_none()).count() as u64;
        if flex == 0 {
            break;
        }
        let share = total.saturating_sub(fixed) / flex;
        let mut changed = false;
        for (c, w) in cols.iter().zip(width.iter_mut()) {
            if w.is_none() && c.natural <= share {
                *w = Some(c.natural);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // 长列：先各取下限（最长的词至多三行），再把余下的宽度半字半字地分给最能让表格变矮的列
    // （各行行数取该行最高的格，求和；一样高时看全部格子的总行数，再不变时给每字宽内容最多的列）。
    let flex: Vec<usize> = (0..cols.len()).filter(|&c| width[c].is_none()).collect();
    if !flex.is_empty() {
        let fixed: u64 = width.iter().flatten().sum();
        let mut w: Vec<u64> = (0..cols.len()).map(|c| width[c].unwrap_or_else(|| cols[c].word.min(cols[c].natural))).collect();
        let mut remaining = total.saturating_sub(fixed + flex.iter().map(|&c| w[c]).sum::<u64>());
        let rows = cols.iter().map(|c| c.cells.len()).max().unwrap_or(0);
        let lines_of = |c: usize, width: u64| -> Vec<u64> { (0..rows).map(|r| cols[c].cells.get(r).map_or(1, |cell| cell_lines(cell, width))).collect() };
        let mut lines: Vec<Vec<u64>> = (0..cols.len()).map(|c| lines_of(c, w[c])).collect();
        const STEP: u64 = 140;
        while remaining >= STEP {
            // (the table's height, all its cells' lines) with column `c` at `col`
            let height = |lines: &[Vec<u64>], c: usize, col: &[u64]| -> (u64, u64) {
                let h = (0..rows).map(|r| lines.iter().enumerate().map(|(k, l)| if k == c { col[r] } else { l[r] }).max().unwrap_or(1)).sum();
                let all = lines.iter().enumerate().map(|(k, l)| if k == c { col.iter().sum::<u64>() } else { l.iter().sum() }).sum();
                (h, all)
            };
            // widening by one step often changes nothing (lines break by whole characters):
            // each column is tried one to eight steps wider, and the best gain per step wins
            let now = height(&lines, 0, &lines[0]);
            // (column, steps, gain per step in height and in lines, the column's lines then)
            type Widening = (usize, u64, (u64, u64), Vec<u64>);
            let mut best: Option<Widening> = None;
            for &c in &flex {
                for k in 1..=8u64 {
                    if w[c] + k * STEP > cols[c].natural || k * STEP > remaining {
                        break;
                    }
                    let col = lines_of(c, w[c] + k * STEP);
                    let (h, all) = height(&lines, c, &col);
                    let gain = ((now.0 - h.min(now.0)) * 1000 / k, (now.1 - all.min(now.1)) * 1000 / k);
                    if gain > (0, 0) && best.as_ref().is_none_or(|(_, _, g, _)| gain > *g) {
                        best = Some((c, k, gain, col));
                    }
                }
            }
            let (c, k, col) = match best {
                Some((c, k, _, col)) => (c, k, col),
                None => {
                    // nothing gets shorter: the column with the most text per unit of width
                    let Some(c) = flex.iter().copied().filter(|&k| w[k] + STEP <= cols[k].natural).max_by_key(|&k| cols[k].cells.iter().flatten().sum::<u64>() * 1000 / w[k].max(1)) else { break };
                    (c, 1, lines_of(c, w[c] + STEP))
                }
            };
            w[c] += k * STEP;
            lines[c] = col;
            remaining -= k * STEP;
        }
        // what is left (less than a step) to the widest of them
        if let Some(&c) = flex.iter().max_by_key(|&&c| w[c]) {
            w[c] += remaining;
        }
        for &c in &flex {
            width[c] = Some(w[c]);
        }
    }
    let weights: Vec<u64> = width.iter().map(|w| w.unwrap_or(1)).collect();
    // 下限之和超过版心时只能等比缩小。
    scale_to_width(&weights, text_w)
}

/// 签订双方落款：无边框的并排栏，每栏若干行，左对齐。
fn parties_xml(columns: &[Vec<String>]) -> String {
    if columns.is_empty() {
        return String::new();
    }
    let n = u32::try_from(columns.len()).unwrap_or(1);
    let w = TEXT_W / n;
    let mut x = blank_line();
    x.push_str("<w:tbl><w:tblPr>");
    x.push_str(&format!(
        r#"<w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>"#
    ));
    x.push_str(r#"<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>"#);
    for _ in columns {
        x.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
    }
    x.push_str(r#"</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
    for lines in columns {
        x.push_str(&format!(r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>"#));
        if lines.is_empty() {
            x.push_str(&para(&style("GwPlain"), ""));
        }
        for line in lines {
            x.push_str(&para(r#"<w:pStyle w:val="GwPlain"/><w:spacing w:line="579" w:lineRule="exact"/><w:jc w:val="left"/>"#, &run(line, RunProps::default())));
        }
        x.push_str("</w:tc>");
    }
    x.push_str("</w:tr></w:tbl>");
    x
}

/// 附件说明：正文下空一行、左空二字；多个附件用“1．”编号，回行与附件名称首字对齐。
fn attachment_block(attachments: &[String]) -> String {
    let names: Vec<&str> = attachments.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
    if names.is_empty() {
        return String::new();
    }
    let mut out = blank_line();
    let label = "附件：";
    let indent = 4; // 左空二字 = 4 个半角
    let label_w = display_width(label);
    let single = names.len() == 1;
    for (i, name) in names.iter().enumerate() {
        let number = if single { String::new() } else { format!("{}．", i + 1) };
        let num_w = display_width(&number);
        // 回行位置：附件名称首字。
        let left = indent + label_w + num_w;
        let (text, hanging) = if i == 0 { (format!("{label}{number}{name}"), label_w + num_w) } else { (format!("{number}{name}"), num_w) };
        out.push_str(&para(&format!(r#"<w:pStyle w:val="GwPlain"/><w:ind w:left="{}" w:hanging="{}"/>"#, half_chars(left), half_chars(hanging)), &run(&text, RunProps::default())));
    }
    out
}

/// 落款：署名右空二字；成文日期首字比署名首字右移二字；日期更长时日期右空二字、署名随之右移。
fn signature_block(signature: Option<&str>, date: &str) -> String {
    let mut out = blank_line();
    let date_w = display_width(date);
    let right_para = |text: &str, right: u32| para(&format!(r#"<w:pStyle w:val="GwPlain"/><w:ind w:right="{right}"/><w:jc w:val="right"/>"#), &run(text, RunProps::default()));
    let left_para = |text: &str, left: u32| para(&format!(r#"<w:pStyle w:val="GwPlain"/><w:ind w:left="{left}"/><w:jc w:val="left"/>"#), &run(text, RunProps::default()));
    match signature.map(str::trim).filter(|s| !s.is_empty()) {
        // 常见情形：署名（汉字，宽度可靠）右对齐右空二字；日期左对齐，起点 = 署名起点 + 二字。
        // 日期含阿拉伯数字，不同字体下宽度不一，所以不让日期的位置依赖它自己的宽度。
        Some(sig) if display_width(sig) >= date_w + 4 => {
            let sig_w = display_width(sig);
            out.push_str(&right_para(sig, half_chars(4)));
            out.push_str(&left_para(date, TEXT_W.saturating_sub(half_chars(sig_w))));
        }
        // 日期比署名长：日期右空二字，署名首字比日期首字左移二字。
        Some(sig) => {
            out.push_str(&left_para(sig, TEXT_W.saturating_sub(half_chars(date_w + 8))));
            out.push_str(&right_para(date, half_chars(4)));
        }
        None => out.push_str(&right_para(date, half_chars(4))),
    }
    out
}

/// 版记：抄送、印发机关和印发日期，用浮动表格固定在最后一页版心底部。
/// 首末条分隔线为粗线（1 磅），中间为细线（0.75 磅）。
fn colophon_block(cc: &[String], printer: Option<&str>, date: &str) -> String {
    let cc: Vec<&str> = cc.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    let printer = printer.map(str::trim).filter(|p| !p.is_empty());
    if cc.is_empty() && printer.is_none() {
        return String::new();
    }
    const THICK: u32 = 8; // 1 磅 ≈ 0.35mm
    const THIN: u32 = 6; // 0.75 磅 ≈ 0.25mm
    let printed = format!("{date}印发");
    // 右栏放印发日期（右空一字），宽度按内容计算，其余给印发机关。
    let right_w = u32::try_from(display_width(&printed)).unwrap_or(40).saturating_mul(SMALL_CHAR / 2).saturating_add(4 * SMALL_CHAR).min(TEXT_W / 2);
    let left_w = TEXT_W - right_w;
    let rpr = RunProps { size: Some(28), ..RunProps::default() };
    let borders = |top: u32, bottom: u32| {
        format!(
            concat!(
                r#"<w:tcBorders><w:top w:val="single" w:sz="{}" w:space="0" w:color="000000"/>"#,
                r#"<w:left w:val="nil"/>"#,
                r#"<w:bottom w:val="single" w:sz="{}" w:space="0" w:color="000000"/>"#,
                r#"<w:right w:val="nil"/></w:tcBorders>"#
            ),
            top, bottom
        )
    };
    let row_open = r#"<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="567" w:hRule="atLeast"/></w:trPr>"#;

    let mut x = String::new();
    x.push_str("<w:tbl><w:tblPr>");
    // 浮动表格：纵向贴版心下边缘（末条分隔线与版心下边缘重合）。横向以纸张为基准、
    // 距左边缘为左页边距——LibreOffice 只把比参照区域窄的浮动表格转为图文框，
    // 与版心等宽的表格若以版心为基准会被当作普通表格放在正文流里。
    x.push_str(&format!(
        concat!(
            r#"<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" "#,
            r#"w:vertAnchor="margin" w:horzAnchor="page" w:tblpX="{x}" w:tblpYSpec="bottom"/>"#,
            r#"<w:tblOverlap w:val="never"/>"#
        ),
        x = MARGIN_LEFT
    ));
    x.push_str(&format!(r#"<w:tblW w:w="{TEXT_W}" w:type="dxa"/>"#));
    x.push_str(r#"<w:tblLayout w:type="fixed"/>"#);
    x.push_str(r#"<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>"#);
    x.push_str(&format!(r#"</w:tblPr><w:tblGrid><w:gridCol w:w="{left_w}"/><w:gridCol w:w="{right_w}"/></w:tblGrid>"#));

    if !cc.is_empty() {
        let bottom = if printer.is_some() { THIN } else { THICK };
        let text = format!("抄送：{}。", cc.join("，").trim_end_matches(['。', '.']));
        x.push_str(row_open);
        x.push_str(&format!(
            r#"<w:tc><w:tcPr><w:tcW w:w="{TEXT_W}" w:type="dxa"/><w:gridSpan w:val="2"/>{}<w:vAlign w:val="center"/></w:tcPr>{}</w:tc>"#,
            borders(THICK, bottom),
            para(&format!(r#"<w:pStyle w:val="GwColophon"/><w:ind w:left="{}" w:right="{}" w:hanging="{}"/>"#, 4 * SMALL_CHAR, SMALL_CHAR, 3 * SMALL_CHAR), &run(&text, rpr))
        ));
        x.push_str("</w:tr>");
    }
    if let Some(p) = printer {
        let top = if cc.is_empty() { THICK } else { THIN };
        x.push_str(row_open);
        x.push_str(&format!(
            r#"<w:tc><w:tcPr><w:tcW w:w="{left_w}" w:type="dxa"/>{}<w:vAlign w:val="center"/></w:tcPr>{}</w:tc>"#,
            borders(top, THICK),
            para(&format!(r#"<w:pStyle w:val="GwColophon"/><w:ind w:left="{SMALL_CHAR}"/>"#), &run(p, rpr))
        ));
        x.push_str(&format!(
            r#"<w:tc><w:tcPr><w:tcW w:w="{right_w}" w:type="dxa"/>{}<w:vAlign w:val="center"/></w:tcPr>{}</w:tc>"#,
            borders(top, THICK),
            para(&format!(r#"<w:pStyle w:val="GwColophon"/><w:ind w:right="{SMALL_CHAR}"/><w:jc w:val="right"/>"#), &run(&printed, rpr))
        ));
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

// ---------------------------------------------------------------------------
// 其他部件
// ---------------------------------------------------------------------------

fn footer_xml(even: bool) -> String {
    let ppr =
        if even { format!(r#"<w:pStyle w:val="GwFooter"/><w:ind w:left="{SMALL_CHAR}"/><w:jc w:val="left"/>"#) } else { format!(r#"<w:pStyle w:val="GwFooter"/><w:ind w:right="{SMALL_CHAR}"/><w:jc w:val="right"/>"#) };
    let p = RunProps::default();
    let runs = [
        run("— ", p),
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#.to_string(),
        r#"<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>"#.to_string(),
        r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r>"#.to_string(),
        run(if even { "2" } else { "1" }, p),
        r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#.to_string(),
        run(" —", p),
    ]
    .concat();
    format!(r#"{XML_DECL}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{}</w:ftr>"#, para(&ppr, &runs))
}

fn styles_xml() -> String {
    let fonts = |f: &str| format!(r#"<w:rFonts w:ascii="{f}" w:eastAsia="{f}" w:hAnsi="{f}" w:cs="{f}"/>"#);
    let first_line = format!(r#"<w:ind w:firstLine="{}"/>"#, half_chars(4));
    let heading = |level: u32, font: &str| {
        format!(
            concat!(
                r#"<w:style w:type="paragraph" w:styleId="Heading{l}">"#,
                r#"<w:name w:val="heading {l}"/><w:basedOn w:val="GwBody"/><w:next w:val="GwBody"/><w:qFormat/>"#,
                r#"<w:pPr><w:keepNext/><w:outlineLvl w:val="{o}"/></w:pPr>"#,
                r#"<w:rPr>{f}<w:b w:val="0"/><w:bCs w:val="0"/><w:i w:val="0"/><w:color w:val="000000"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>"#,
                r#"</w:style>"#
            ),
            l = level,
            o = level - 1,
            f = fonts(font)
        )
    };
    let mut s = String::new();
    s.push_str(XML_DECL);
    s.push_str(&format!(r#"<w:styles xmlns:w="{W_NS}">"#));
    s.push_str(&format!(
        concat!(
            r#"<w:docDefaults><w:rPrDefault><w:rPr>{f}"#,
            r#"<w:spacing w:val="{cs}"/><w:kern w:val="2"/><w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/>"#,
            r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>"#,
            r#"<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>"#,
            r#"</w:docDefaults>"#
        ),
        f = fonts(FANGSONG),
        sz = BODY_SZ,
        cs = CHAR_SPACING
    ));
    // 正文默认样式
    s.push_str(&format!(
        concat!(
            r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>"#,
            r#"<w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:jc w:val="both"/></w:pPr>"#,
            r#"<w:rPr>{f}<w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/></w:rPr></w:style>"#
        ),
        f = fonts(FANGSONG),
        sz = BODY_SZ
    ));
    s.push_str(r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#);
    s.push_str(concat!(
        r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>"#,
        r#"<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>"#,
        r#"<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#
    ));
    // 公文正文：首行缩进二字，对齐网格。
    s.push_str(&format!(
        concat!(r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="GwBody"><w:name w:val="公文正文"/><w:basedOn w:val="Normal"/><w:qFormat/>"#, r#"<w:pPr>{ind}<w:jc w:val="both"/></w:pPr></w:style>"#),
        ind = first_line
    ));
    // 无缩进的正文行（主送机关、附件说明、落款、空行）。
    s.push_str(concat!(r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="GwPlain"><w:name w:val="公文顶格"/><w:basedOn w:val="Normal"/>"#, r#"<w:pPr><w:jc w:val="both"/></w:pPr></w:style>"#));
    s.push_str(&heading(1, HEITI));
    s.push_str(&heading(2, KAITI));
    s.push_str(&heading(3, FANGSONG));
    s.push_str(&heading(4, FANGSONG));
    // 版头（不对齐网格）。
    s.push_str(concat!(
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="GwHead"><w:name w:val="公文版头"/><w:basedOn w:val="Normal"/>"#,
        r#"<w:pPr><w:snapToGrid w:val="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:spacing w:val="0"/></w:rPr></w:style>"#
    ));
    // 标题：2号小标宋。
    s.push_str(&format!(
        concat!(
            r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="GwTitle"><w:name w:val="公文标题"/><w:basedOn w:val="Normal"/><w:next w:val="GwPlain"/><w:qFormat/>"#,
            r#"<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="{line}" w:lineRule="exact"/><w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr>"#,
            r#"<w:rPr>{f}<w:spacing w:val="0"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>"#
        ),
        f = fonts(XIAOBIAOSONG),
        line = 700
    ));
    // 表格文字：4号仿宋，不对齐网格。
    s.push_str(concat!(
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="GwTable"><w:name w:val="公文表格"/><w:basedOn w:val="Normal"/>"#,
        r#"<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>"#,
        r#"<w:rPr><w:spacing w:val="0"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>"#
    ));
    // 版记：4号仿宋。
    s.push_str(concat!(
        r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="GwColophon"><w:name w:val="公文版记"/><w:basedOn w:val="Normal"/>"#,
        r#"<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr>"#,
        r#"<w:rPr><w:spacing w:val="0"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>"#
    ));
    // 页码：4号宋体。
    s.push_str(&format!(
        concat!(
            r#"<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>"#,
            r#"<w:pPr><w:snapToGrid w:val="0"/></w:pPr><w:rPr><w:spacing w:val="0"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="GwFooter"><w:name w:val="公文页码"/><w:basedOn w:val="Footer"/>"#,
            r#"<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>"#,
            r#"<w:rPr>{f}<w:spacing w:val="0"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>"#
        ),
        f = fonts(SONGTI)
    ));
    s.push_str("</w:styles>");
    s
}

fn settings_xml() -> String {
    format!(
        concat!(
            r#"{decl}<w:settings xmlns:w="{w}">"#,
            r#"<w:zoom w:percent="100"/>"#,
            r#"<w:defaultTabStop w:val="420"/>"#,
            r#"<w:evenAndOddHeaders/>"#,
            r#"<w:drawingGridVerticalSpacing w:val="{lp2}"/>"#,
            r#"<w:displayHorizontalDrawingGridEvery w:val="0"/>"#,
            r#"<w:displayVerticalDrawingGridEvery w:val="2"/>"#,
            r#"<w:characterSpacingControl w:val="compressPunctuation"/>"#,
            r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>"#,
            r#"<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>"#,
            r#"</w:settings>"#
        ),
        decl = XML_DECL,
        w = W_NS,
        lp2 = LINE_PITCH / 2,
    )
}

fn font_table_xml() -> String {
    let fonts = [(FANGSONG, "仿宋", "modern", "fixed"), (KAITI, "楷体", "modern", "fixed"), (HEITI, "SimHei", "modern", "fixed"), (SONGTI, "SimSun", "auto", "variable"), (XIAOBIAOSONG, "宋体", "script", "fixed")];
    let mut s = format!(r#"{XML_DECL}<w:fonts xmlns:w="{W_NS}">"#);
    for (name, alt, family, pitch) in fonts {
        s.push_str(&format!(r#"<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>"#));
    }
    s.push_str("</w:fonts>");
    s
}

fn content_types_xml() -> String {
    const WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    format!(
        concat!(
            r#"{decl}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
            r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
            r#"<Default Extension="xml" ContentType="application/xml"/>"#,
            r#"<Override PartName="/word/document.xml" ContentType="{wml}.document.main+xml"/>"#,
            r#"<Override PartName="/word/styles.xml" ContentType="{wml}.styles+xml"/>"#,
            r#"<Override PartName="/word/settings.xml" ContentType="{wml}.settings+xml"/>"#,
            r#"<Override PartName="/word/fontTable.xml" ContentType="{wml}.fontTable+xml"/>"#,
            r#"<Override PartName="/word/footer1.xml" ContentType="{wml}.footer+xml"/>"#,
            r#"<Override PartName="/word/footer2.xml" ContentType="{wml}.footer+xml"/>"#,
            r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
            r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
            r#"</Types>"#
        ),
        decl = XML_DECL,
        wml = WML
    )
}

fn root_rels_xml() -> String {
    format!(
        concat!(
            r#"{decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
            r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
            r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
            r#"</Relationships>"#
        ),
        decl = XML_DECL
    )
}

fn document_rels_xml() -> String {
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    format!(
        concat!(
            r#"{decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            r#"<Relationship Id="rIdStyles" Type="{rel}/styles" Target="styles.xml"/>"#,
            r#"<Relationship Id="rIdSettings" Type="{rel}/settings" Target="settings.xml"/>"#,
            r#"<Relationship Id="rIdFontTable" Type="{rel}/fontTable" Target="fontTable.xml"/>"#,
            r#"<Relationship Id="rIdFooterOdd" Type="{rel}/footer" Target="footer1.xml"/>"#,
            r#"<Relationship Id="rIdFooterEven" Type="{rel}/footer" Target="footer2.xml"/>"#,
            r#"</Relationships>"#
        ),
        decl = XML_DECL,
        rel = REL
    )
}

fn core_xml(doc: &OfficialDocument) -> String {
    let (y, m, d) = doc.date;
    format!(
        concat!(
            r#"{decl}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>"#,
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{y:04}-{m:02}-{d:02}T00:00:00Z</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{y:04}-{m:02}-{d:02}T00:00:00Z</dcterms:modified>"#,
            r#"</cp:coreProperties>"#
        ),
        decl = XML_DECL,
        title = escape_xml(&doc.title.replace('\n', "")),
        creator = escape_xml(&doc.issuer),
        y = y,
        m = m,
        d = d,
    )
}

fn app_xml() -> String {
    format!(
        concat!(
            r#"{decl}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" "#,
            r#"xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
            r#"<Application>lianzheng-docs</Application><DocSecurity>0</DocSecurity></Properties>"#
        ),
        decl = XML_DECL
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn sample() -> OfficialDocument {
        OfficialDocument {
            issuer: "中共某某县纪律检查委员会".into(),
            doc_number: Some("某纪发〔2026〕3号".into()),
            title: "关于开展2026年度党风廉政建设责任制落实情况检查的通知".into(),
            addressee: Some("各乡镇党委，县直各单位党组（党委）".into()),
            body: vec![
                Block::Paragraph("为深入贯彻落实全面从严治党要求，现就有关事项通知如下。".into()),
                Block::Heading(1, "检查内容".into()),
                Block::Heading(2, "主体责任落实情况".into()),
                Block::Heading(3, "研究部署情况".into()),
                Block::Heading(4, "会议记录".into()),
                Block::Heading(4, "工作台账".into()),
                Block::Heading(2, "监督责任落实情况".into()),
                Block::Heading(3, "日常监督".into()),
                Block::Heading(1, "工作要求".into()),
                Block::Heading(2, "加强领导".into()),
                Block::Table { headers: vec!["单位".into(), "时间".into()], rows: vec![vec!["县委办".into(), "12月1日".into()]], widths: None, landscape: false },
                Block::Paragraph("A<B & C>D \"引号\"".into()),
            ],
            attachments: vec!["检查评分表".into(), "自查报告提纲".into()],
            signature: Some("中共某某县纪律检查委员会".into()),
            date: (2026, 11, 27),
            cc: vec!["县委办公室".into(), "县政府办公室".into()],
            printer: Some("中共某某县纪律检查委员会办公室".into()),
            letter: false,
        }
    }

    fn read_part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut f = zip.by_name(name).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn grid_constants() {
        assert_eq!(MARGIN_TOP, 2098);
        assert_eq!(MARGIN_BOTTOM, 1984);
        assert_eq!(MARGIN_LEFT, 1587);
        assert_eq!(MARGIN_RIGHT, 1474);
        assert_eq!(TEXT_W, 8845); // 156mm
        assert_eq!(TEXT_H, 12756); // 225mm
        assert_eq!(LINE_PITCH, 579);
        assert_eq!(CHAR_PITCH, 315);
        assert_eq!(CHAR_SPACING, -5);
        // 每行恰好 28 字。
        let pitch = 320 + CHAR_SPACING;
        assert_eq!(i64::from(TEXT_W) / pitch, 28);
        assert_eq!(TEXT_H / LINE_PITCH, 22);
    }

    #[test]
    fn package_has_all_parts() {
        let bytes = to_docx(&sample()).unwrap();
        let zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/footer1.xml",
            "word/footer2.xml",
            "word/_rels/document.xml.rels",
            "docProps/core.xml",
            "docProps/app.xml",
        ] {
            assert!(names.iter().any(|n| n == part), "missing {part}");
        }
    }

    #[test]
    fn a_letter_names_the_body_without_wenjian() {
        let bytes = to_docx(&OfficialDocument { letter: true, ..sample() }).unwrap();
        let doc = read_part(&bytes, "word/document.xml");
        assert!(doc.contains("中共某某县纪律检查委员会"));
        assert!(!doc.contains("委员会文件"), "信函格式 has no 文件 in its mark");
    }

    #[test]
    fn document_contains_expected_pieces() {
        let bytes = to_docx(&sample()).unwrap();
        let doc = read_part(&bytes, "word/document.xml");
        assert!(doc.contains("中共某某县纪律检查委员会文件"));
        assert!(doc.contains("〔2026〕3号"));
        assert!(doc.contains("FF0000"));
        assert!(doc.contains(r#"w:sz="18""#)); // 2.25 磅红线
        assert!(doc.contains("一、检查内容"));
        assert!(doc.contains("（一）主体责任落实情况"));
        assert!(doc.contains("1.研究部署情况"));
        assert!(doc.contains("（1）会议记录"));
        assert!(doc.contains("（2）工作台账"));
        // 二级标题在新的上级标题下重新计数
        assert!(doc.contains("（二）监督责任落实情况"));
        assert!(doc.contains("1.日常监督"));
        assert!(doc.contains("二、工作要求"));
        assert!(doc.contains("（一）加强领导"));
        assert!(doc.contains("各乡镇党委，县直各单位党组（党委）："));
        assert!(doc.contains("附件：1．检查评分表"));
        assert!(doc.contains("2．自查报告提纲"));
        assert!(doc.contains("2026年11月27日"));
        assert!(doc.contains("2026年11月27日印发"));
        assert!(doc.contains("抄送：县委办公室，县政府办公室。"));
        assert!(doc.contains("<w:tblHeader/>"));
        assert!(doc.contains(r#"<w:docGrid w:type="lines" w:linePitch="579"/>"#));
        assert!(doc.contains(r#"w:type="even""#));
        assert!(doc.contains("仿宋_GB2312") || read_part(&bytes, "word/styles.xml").contains("仿宋_GB2312"));

        let settings = read_part(&bytes, "word/settings.xml");
        assert!(settings.contains("<w:evenAndOddHeaders/>"));

        let odd = read_part(&bytes, "word/footer1.xml");
        let even = read_part(&bytes, "word/footer2.xml");
        for f in [&odd, &even] {
            assert!(f.contains(" PAGE "));
            assert!(f.contains("fldCharType=\"begin\""));
            assert!(f.contains("— "));
        }
        assert!(odd.contains(r#"<w:jc w:val="right"/>"#));
        assert!(even.contains(r#"<w:jc w:val="left"/>"#));

        let styles = read_part(&bytes, "word/styles.xml");
        assert!(styles.contains(r#"w:eastAsia="黑体""#));
        assert!(styles.contains(r#"w:eastAsia="楷体_GB2312""#));
        assert!(styles.contains(r#"w:eastAsia="方正小标宋简体""#));
    }

    #[test]
    fn text_is_escaped() {
        let bytes = to_docx(&sample()).unwrap();
        let doc = read_part(&bytes, "word/document.xml");
        assert!(doc.contains("A&lt;B &amp; C&gt;D &quot;引号&quot;"));
        assert!(!doc.contains("A<B"));
        assert_eq!(escape_xml("<&>\"'\u{1}x"), "&lt;&amp;&gt;&quot;&apos;x");
    }

    #[test]
    fn documents_are_well_formed_xml() {
        // 粗略检查：每个部件的标签配对（不依赖 XML 解析库）。
        let bytes = to_docx(&sample()).unwrap();
        for part in ["word/document.xml", "word/styles.xml", "word/footer1.xml", "word/settings.xml"] {
            let xml = read_part(&bytes, part);
            let mut stack: Vec<String> = Vec::new();
            let mut rest = xml.as_str();
            while let Some(start) = rest.find('<') {
                let end = rest[start..].find('>').unwrap() + start;
                let tag = &rest[start + 1..end];
                rest = &rest[end + 1..];
                if tag.starts_with('?') || tag.ends_with('/') {
                    continue;
                }
                let name = tag.split_whitespace().next().unwrap();
                if let Some(closing) = name.strip_prefix('/') {
                    assert_eq!(stack.pop().as_deref(), Some(closing), "in {part}");
                } else {
                    stack.push(name.to_string());
                }
            }
            assert!(stack.is_empty(), "unclosed in {part}: {stack:?}");
        }
    }

    #[test]
    fn bad_heading_level_is_error() {
        let mut doc = sample();
        doc.body.push(Block::Heading(5, "x".into()));
        assert!(matches!(to_docx(&doc), Err(DocError::InvalidHeadingLevel(5))));
    }

    #[test]
    fn bad_date_is_error() {
        let mut doc = sample();
        doc.date = (2026, 2, 30);
        let err = to_docx(&doc).unwrap_err();
        assert!(err.to_string().contains("2026年2月30日"));
        assert_eq!(format_date((2024, 2, 29)).unwrap(), "2024年2月29日");
    }

    #[test]
    fn table_row_too_long_is_error() {
        let mut doc = sample();
        doc.body = vec![Block::Table { headers: vec!["a".into()], rows: vec![vec!["1".into(), "2".into()]], widths: None, landscape: false }];
        assert!(matches!(to_docx(&doc), Err(DocError::InvalidTable(_))));
    }

    fn col(natural: u64, word: u64, volume: u64) -> ColumnText {
        ColumnText { natural, word, cells: (0..volume / natural.max(1)).map(|_| vec![natural]).collect() }
    }

    #[test]
    fn auto_widths_keep_short_columns_unwrapped() {
        let w = auto_column_widths(&[col(760, 760, 760), col(2720, 2720, 2720), col(1040, 1040, 1040), col(1320, 1320, 1320), col(4960, 1000, 4960)], TEXT_W);
        assert_eq!(w.iter().sum::<u32>(), TEXT_W);
        assert_eq!(&w[..4], &[760, 2720, 1040, 1320]);
        // 放得下时等比放大
        let w = auto_column_widths(&[col(1000, 1000, 1), col(1000, 1000, 1)], TEXT_W);
        assert_eq!(w, vec![TEXT_W / 2, TEXT_W - TEXT_W / 2]);
        // 相对宽度
        assert_eq!(scale_to_width(&[1, 1, 2], TEXT_W).iter().sum::<u32>(), TEXT_W);
        // 长列：文字多的更宽，但不窄于下限
        let w = auto_column_widths(&[col(800, 800, 800), col(20000, 2000, 60000), col(9000, 3000, 9000)], TEXT_W);
        assert_eq!(w[0], 800);
        assert!(w[1] > w[2], "{w:?}");
        assert!(w[2] >= 3000, "{w:?}");
    }

    /// The plan's task table as a clerk sets it: narrow 序号, widest 任务内容, unit names in at
    /// most two lines, cells left-aligned, on a landscape page of its own.
    #[test]
    fn wide_table_reads_like_a_clerks() {
        let unit = "某某县住房和城乡建设局";
        let rows: Vec<Vec<String>> = (1..=12)
            .map(|i| {
                vec![
                    format!("{i}"),
                    "严格落实中央八项规定及其实施细则精神，持续纠治形式主义、官僚主义，开展违规吃喝专项整治。".repeat(1 + i % 2),
                    "张三".into(),
                    unit.into(),
                    format!("{unit}、某某县教育局、某某县财政局"),
                    "某某县审计局".into(),
                    "6月30日".into(),
                ]
            })
            .collect();
        let headers: Vec<String> = ["序号", "任务内容", "牵头领导", "牵头单位", "责任单位", "配合单位", "时限"].iter().map(|s| s.to_string()).collect();
        let mut doc = sample();
        doc.body = vec![Block::Paragraph("前文".into()), Block::Heading(1, "任务分工表".into()), Block::Table { headers, rows, widths: None, landscape: true }, Block::Paragraph("后文".into())];
        let x = read_part(&to_docx(&doc).unwrap(), "word/document.xml");
        let grid: Vec<u32> = x.split(r#"<w:gridCol w:w=""#).skip(1).take(7).map(|s| s.split('"').next().unwrap().parse().unwrap()).collect();
        assert_eq!(grid.iter().sum::<u32>(), LANDSCAPE_TEXT_W, "{grid:?}");
        let widest = grid.iter().copied().max().unwrap();
        assert_eq!(grid[1], widest, "任务内容 widest: {grid:?}");
        assert_eq!(grid[0], grid.iter().copied().min().unwrap(), "序号 narrowest: {grid:?}");
        // a unit name (11 characters at 280 twip) in at most three lines
        for c in 3..=5 {
            assert!(u64::from(grid[c]) >= table_text_twips(unit).div_ceil(3) + 2 * u64::from(TABLE_CELL_MARGIN), "column {c}: {grid:?}");
        }
        assert!(x.contains(r#"<w:jc w:val="left"/>"#));
        assert!(!x.contains(r#"<w:pStyle w:val="GwTable"/><w:jc w:val="both"/>"#), "no justified cells");
        // three sections: portrait (start 1), landscape, portrait (numbering continues)
        assert_eq!(x.matches("<w:sectPr>").count(), 3);
        assert_eq!(x.matches(r#"w:orient="landscape""#).count(), 1);
        assert_eq!(x.matches(r#"w:start="1""#).count(), 1);
        assert!(x.find("landscape").unwrap() > x.find("任务内容").unwrap());
        // the table's heading opens the landscape section (the portrait one ends before it)
        let portrait_end = x.find("</w:sectPr>").unwrap();
        assert!(x.find("前文").unwrap() < portrait_end && portrait_end < x.find("任务分工表").unwrap());
    }

    #[test]
    fn parties_replace_the_signature() {
        let mut doc = sample();
        doc.body.push(Block::Parties(vec![vec!["发出单位（盖章）：某县委".into(), "2026年3月5日".into()], vec!["签订单位（盖章）：某局".into(), "年　月　日".into()]]));
        let x = read_part(&to_docx(&doc).unwrap(), "word/document.xml");
        assert!(x.contains("签订单位（盖章）：某局") && x.contains("年　月　日"));
        // no separate 落款 date (the 版记 still has its 印发 date)
        assert_eq!(x.matches("2026年11月27日").count(), 1, "only the colophon's");
        // without issuer and number: no red header line
        doc.issuer = String::new();
        doc.doc_number = None;
        let x = read_part(&to_docx(&doc).unwrap(), "word/document.xml");
        assert!(!x.contains(RED), "no 版头");
    }

    #[test]
    fn signature_alignment() {
        // 署名 12 字：右空二字，起点在第 28-2-12=14 字处；日期从第 16 字处起。
        let x = signature_block(Some("中共某某县纪律检查委员会"), "2026年11月27日");
        assert!(x.contains(&format!(r#"w:right="{}""#, half_chars(4))));
        assert!(x.contains(&format!(r#"w:left="{}""#, TEXT_W - half_chars(24))));
        assert_eq!(TEXT_W - half_chars(24), 8845 - 12 * 315);
        // 署名比日期短：日期右空二字，署名起点 = 日期起点 - 二字。
        let y = signature_block(Some("某局"), "2026年11月27日");
        assert!(y.contains(&format!(r#"w:right="{}""#, half_chars(4))));
        assert!(y.contains(&format!(r#"w:left="{}""#, TEXT_W - half_chars(22))));
    }
}
