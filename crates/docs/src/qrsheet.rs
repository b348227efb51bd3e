//! 二维码测评码单：一页若干个二维码（每个一张 PNG 图片）加其下的测评码文字，生成 DOCX，供会前打印、
//! 裁开分发。二维码用 `qrcode` 计算，PNG 由本模块直接写出（1 位灰度、未压缩的 deflate 块，
//! 外层 ZIP 再压缩），不依赖图像库。

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::DocError;
use crate::gbt9704::escape_xml;

/// One code on the sheet: what the QR code holds (a URL) and the code printed under it.
pub struct Entry {
    pub url: String,
    pub code: String,
}

/// The sheet: a title, a line of instructions, the entries three to a row.
pub fn to_docx(title: &str, note: &str, entries: &[Entry]) -> Result<Vec<u8>, DocError> {
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut rels = String::from(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#);
    let mut cells = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let n = i + 1;
        let png = qr_png(&e.url)?;
        zip.start_file(format!("word/media/qr{n}.png"), options)?;
        zip.write_all(&png)?;
        rels.push_str(&format!(r#"<Relationship Id="rIdQr{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/qr{n}.png"/>"#));
        cells.push(cell(n, &e.code));
    }
    rels.push_str("</Relationships>");
    let mut body = String::new();
    body.push_str(&para(title, 32, true));
    body.push_str(&para(note, 21, false));
    if !cells.is_empty() {
        body.push_str(r#"<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/><w:tblBorders>"#);
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            body.push_str(&format!(r#"<w:{side} w:val="dashed" w:sz="4" w:space="0" w:color="999999"/>"#));
        }
        body.push_str(r#"</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid><w:gridCol w:w="3100"/><w:gridCol w:w="3100"/><w:gridCol w:w="3100"/></w:tblGrid>"#);
        for row in cells.chunks(3) {
            body.push_str(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
            for c in row {
                body.push_str(c);
            }
            for _ in row.len()..3 {
                body.push_str(r#"<w:tc><w:tcPr><w:tcW w:w="3100" w:type="dxa"/></w:tcPr><w:p/></w:tc>"#);
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    );
    let files: [(&str, String); 3] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        ),
        ("word/_rels/document.xml.rels", rels),
    ];
    for (name, text) in files.iter().chain(std::iter::once(&("word/document.xml", document))) {
        zip.start_file(*name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn para(text: &str, half_points: u32, bold: bool) -> String {
    let b = if bold { "<w:b/>" } else { "" };
    format!(
        r#"<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:after="120"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="SimHei" w:eastAsia="黑体" w:hAnsi="SimHei"/>{b}<w:sz w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape_xml(text)
    )
}

/// A cell: the picture (4 cm square) and the code under it.
fn cell(n: usize, code: &str) -> String {
    const EMU: u32 = 1_440_000;
    format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="3100" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:jc w:val="center"/><w:spacing w:before="120" w:after="0"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{EMU}" cy="{EMU}"/><wp:docPr id="{n}" name="测评码{n}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="qr{n}.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdQr{n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{EMU}" cy="{EMU}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/><w:spacing w:after="120"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/><w:sz w:val="24"/></w:rPr><w:t>{}</w:t></w:r></w:p></w:tc>"#,
        escape_xml(code)
    )
}

/// The QR code of `data` as a PNG: black modules, a quiet zone of four, six pixels a module.
pub fn qr_png(data: &str) -> Result<Vec<u8>, DocError> {
    const SCALE: usize = 6;
    const QUIET: usize = 4;
    let code = qrcode::QrCode::new(data.as_bytes()).map_err(|e| DocError::InvalidTable(format!("二维码内容过长：{e}")))?;
    let w = code.width();
    let colors = code.to_colors();
    let side = (w + 2 * QUIET) * SCALE;
    let row_bytes = side.div_ceil(8);
    let mut raw = Vec::with_capacity((row_bytes + 1) * side);
    for y in 0..side {
        raw.push(0u8); // filter: none
        let my = (y / SCALE).checked_sub(QUIET).filter(|v| *v < w);
        let mut bytes = vec![0xFFu8; row_bytes];
        for x in 0..side {
            let mx = (x / SCALE).checked_sub(QUIET).filter(|v| *v < w);
            let dark = matches!((mx, my), (Some(mx), Some(my)) if colors.get(my * w + mx) == Some(&qrcode::Color::Dark));
            if dark {
                bytes[x / 8] &= !(0x80 >> (x % 8));
            }
        }
        raw.extend_from_slice(&bytes);
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let side32 = u32::try_from(side).map_err(|_| DocError::InvalidTable("二维码过大".into()))?;
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&side32.to_be_bytes());
    ihdr.extend_from_slice(&side32.to_be_bytes());
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]); // 1 bit, greyscale
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(b) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = b.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(b);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &x in data {
        c ^= u32::from(x);
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_a_known_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn png_and_sheet() {
        let png = qr_png("http://127.0.0.1:8080/ballot/ABCDEFGHJK").unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let entries: Vec<Entry> = (0..7).map(|i| Entry { url: format!("http://x/ballot/C{i}"), code: format!("C{i}") }).collect();
        let docx = to_docx("测评码", "扫码测评", &entries).unwrap();
        let mut z = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
        assert!(z.by_name("word/media/qr7.png").is_ok());
        let mut doc = String::new();
        std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut doc).unwrap();
        assert!(doc.contains("C6") && doc.contains("rIdQr7"));
    }
}
