//! 上传文件按内容识别类型，不只看扩展名：PDF、JPEG、PNG、OFD、DOCX、XLSX、DOC、XLS。
//! 可执行文件、无法识别的内容、内容与扩展名不符的一律拒绝（docs/decisions/0012-upload-content-check.md）。
//!
//! 纯计算，无 IO：压缩包（OFD、DOCX、XLSX）的目录由 `zip` 在内存中解析（只读中央目录，
//! 不解压）；OLE2 复合文档（DOC、XLS）的目录按 [MS-CFB] 读取，看根存储下的主数据流。

use std::io::Cursor;

/// 允许上传的文件类型。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    /// 版式文档（GB/T 33190），电子公文的国家标准格式。
    Ofd,
    Docx,
    Xlsx,
    /// Word 97-2003。
    Doc,
    /// Excel 97-2003。
    Xls,
}

impl FileKind {
    pub const ALL: [FileKind; 8] = [FileKind::Pdf, FileKind::Jpeg, FileKind::Png, FileKind::Ofd, FileKind::Docx, FileKind::Xlsx, FileKind::Doc, FileKind::Xls];

    /// 提示中用的名称。
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Jpeg => "JPEG",
            FileKind::Png => "PNG",
            FileKind::Ofd => "OFD",
            FileKind::Docx => "DOCX",
            FileKind::Xlsx => "XLSX",
            FileKind::Doc => "DOC",
            FileKind::Xls => "XLS",
        }
    }

    /// 这类文件的扩展名（小写，不带点）。
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Png => &["png"],
            FileKind::Ofd => &["ofd"],
            FileKind::Docx => &["docx"],
            FileKind::Xlsx => &["xlsx"],
            FileKind::Doc => &["doc"],
            FileKind::Xls => &["xls"],
        }
    }

    /// 由扩展名（不区分大小写，不带点）得到类型。
    pub fn from_extension(ext: &str) -> Option<FileKind> {
        let ext = ext.to_ascii_lowercase();
        FileKind::ALL.into_iter().find(|k| k.extensions().contains(&ext.as_str()))
    }
}

/// 文件名最多的字符数（附件记录保存的长度）。
pub const MAX_FILENAME_CHARS: usize = 200;

/// 可执行文件（Windows PE、ELF、Mach-O、脚本）的种类名，不是则 `None`。
pub fn executable(bytes: &[u8]) -> Option<&'static str> {
    const MACH_O: [[u8; 4]; 5] = [
        [0xFE, 0xED, 0xFA, 0xCE],
        [0xFE, 0xED, 0xFA, 0xCF],
        [0xCE, 0xFA, 0xED, 0xFE],
        [0xCF, 0xFA, 0xED, 0xFE],
        [0xCA, 0xFE, 0xBA, 0xBE], // 通用二进制（也是 Java class 文件）
    ];
    if bytes.starts_with(b"MZ") {
        Some("Windows 程序")
    } else if bytes.starts_with(b"\x7fELF") {
        Some("ELF 程序")
    } else if MACH_O.iter().any(|m| bytes.starts_with(m)) {
        Some("Mach-O 程序")
    } else if bytes.starts_with(b"#!") {
        Some("脚本")
    } else {
        None
    }
}

/// 按内容识别类型；可执行文件和无法识别的内容为 `None`。
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(PNG) {
        Some(FileKind::Png)
    } else if bytes.starts_with(b"PK\x03\x04") {
        zip_kind(bytes)
    } else if bytes.starts_with(OLE2) {
        let streams = cfb_root_streams(bytes)?;
        let has = |name: &str| streams.iter().any(|s| s.eq_ignore_ascii_case(name));
        if has("WordDocument") {
            Some(FileKind::Doc)
        } else if has("Workbook") || has("Book") {
            Some(FileKind::Xls)
        } else {
            None
        }
    } else {
        None
    }
}

/// 检查一个上传的文件：文件名长度、扩展名是允许的类型、不是可执行文件、内容与扩展名相符。
/// 通过时返回类型，否则返回给用户看的中文说明。
pub fn check_upload(filename: &str, bytes: &[u8]) -> Result<FileKind, String> {
    let name = filename.trim();
    if name.is_empty() {
        return Err("文件名为空".into());
    }
    // the name as given (spaces included) is what gets stored
    let chars = filename.chars().count();
    if chars > MAX_FILENAME_CHARS {
        return Err(format!("文件名过长（{chars} 个字符），最多 {MAX_FILENAME_CHARS} 个字符"));
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some(expected) = FileKind::from_extension(&ext) else {
        let allowed: Vec<&str> = FileKind::ALL.iter().map(|k| k.label()).collect();
        let shown = if ext.is_empty() { "无扩展名".to_string() } else { format!(".{ext}") };
        return Err(format!("不支持的文件类型（{shown}），允许：{}", allowed.join("、")));
    };
    if bytes.is_empty() {
        return Err("文件为空".into());
    }
    if let Some(what) = executable(bytes) {
        return Err(format!("文件内容是可执行程序（{what}），不允许上传"));
    }
    match sniff(bytes) {
        Some(kind) if kind == expected => Ok(kind),
        Some(other) => Err(format!("文件内容与扩展名不符：扩展名为 .{ext}，内容不是 {} 而是 {}", expected.label(), other.label())),
        None => Err(format!("文件内容与扩展名不符：扩展名为 .{ext}，内容不是 {}", expected.label())),
    }
}

/// 压缩包的类型：含 `OFD.xml` 为 OFD，含 `word/document.xml` 为 DOCX，含 `xl/workbook.xml`
/// 为 XLSX；其他压缩包（包括损坏的）为 `None`。
fn zip_kind(bytes: &[u8]) -> Option<FileKind> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let has = |part: &str| archive.file_names().any(|n| n.is_ok_and(|n| n.trim_start_matches('/').eq_ignore_ascii_case(part)));
    if has("OFD.xml") {
        Some(FileKind::Ofd)
    } else if has("word/document.xml") {
        Some(FileKind::Docx)
    } else if has("xl/workbook.xml") {
        Some(FileKind::Xlsx)
    } else {
        None
    }
}

// ---- OLE2 compound file ([MS-CFB]) ----

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const NO_STREAM: u32 = 0xFFFF_FFFF;
/// Header DIFAT entries (the FAT sectors' locations held in the header).
const HEADER_DIFAT: usize = 109;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// The sectors of a compound file, read from bytes in memory.
struct Cfb<'a> {
    bytes: &'a [u8],
    shift: u32,
    /// Locations of the FAT's sectors, in order.
    fat: Vec<u32>,
}

impl Cfb<'_> {
    fn sector_size(&self) -> usize {
        1 << self.shift
    }

    /// Byte offset of sector `n` (the header fills sector -1).
    fn offset(&self, n: u32) -> Option<usize> {
        usize::try_from((u64::from(n) + 1) << self.shift).ok()
    }

    /// The FAT entry of sector `n`: the next sector of its chain.
    fn next(&self, n: u32) -> Option<u32> {
        let per = self.sector_size() / 4;
        let n = usize::try_from(n).ok()?;
        let fat_sector = *self.fat.get(n / per)?;
        u32_at(self.bytes, self.offset(fat_sector)? + (n % per) * 4)
    }

    /// The chain starting at `first`; `None` if it is broken or loops.
    fn chain(&self, first: u32) -> Option<Vec<u32>> {
        let limit = self.bytes.len() / self.sector_size() + 1;
        let mut out = Vec::new();
        let mut at = first;
        while at != END_OF_CHAIN {
            if out.len() >= limit {
                return None;
            }
            out.push(at);
            at = self.next(at)?;
        }
        Some(out)
    }
}

/// The names of the streams directly under a compound file's root storage (not those of
/// embedded objects, which sit in storages of their own); `None` if the file is malformed.
fn cfb_root_streams(bytes: &[u8]) -> Option<Vec<String>> {
    let shift = u32::from(u16_at(bytes, 0x1E)?);
    if shift != 9 && shift != 12 {
        return None;
    }
    let num_fat = usize::try_from(u32_at(bytes, 0x2C)?).ok()?;
    let first_dir = u32_at(bytes, 0x30)?;
    let mut cfb = Cfb { bytes, shift, fat: Vec::new() };
    if num_fat > bytes.len() / cfb.sector_size() + 1 {
        return None;
    }
    // the first 109 FAT locations are in the header, the rest in the DIFAT chain
    for k in 0..num_fat.min(HEADER_DIFAT) {
        cfb.fat.push(u32_at(bytes, 0x4C + k * 4)?);
    }
    let mut difat = u32_at(bytes, 0x44)?;
    let per = cfb.sector_size() / 4 - 1;
    while cfb.fat.len() < num_fat && difat != END_OF_CHAIN {
        let at = cfb.offset(difat)?;
        for k in 0..per.min(num_fat - cfb.fat.len()) {
            cfb.fat.push(u32_at(bytes, at + k * 4)?);
        }
        difat = u32_at(bytes, at + per * 4)?;
    }
    let dir = cfb.chain(first_dir)?;
    let per_sector = cfb.sector_size() / 128;
    let entry = |id: u32| -> Option<usize> {
        let id = usize::try_from(id).ok()?;
        let at = cfb.offset(*dir.get(id / per_sector)?)? + (id % per_sector) * 128;
        bytes.get(at..at + 128).map(|_| at)
    };
    // entry 0 is the root storage; its children form a tree through left and right siblings
    let root = entry(0)?;
    if bytes.get(root + 66) != Some(&5) {
        return None;
    }
    let mut names = Vec::new();
    let mut todo = vec![u32_at(bytes, root + 76)?];
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = todo.pop() {
        if id == NO_STREAM || !seen.insert(id) {
            continue;
        }
        let at = entry(id)?;
        let units = usize::from(u16_at(bytes, at + 64)? / 2).saturating_sub(1).min(31);
        let name: Vec<u16> = (0..units).map(|k| u16_at(bytes, at + k * 2)).collect::<Option<_>>()?;
        if bytes.get(at + 66) == Some(&2) {
            names.push(String::from_utf16_lossy(&name));
        }
        todo.push(u32_at(bytes, at + 68)?);
        todo.push(u32_at(bytes, at + 72)?);
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for n in names {
            w.start_file(*n, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// A compound file with 512-byte sectors: sector 0 the FAT, sector 1 the directory (root,
    /// then the given entries as (name, type, left, right, child)).
    fn cfb(entries: &[(&str, u8, u32, u32, u32)], root_child: u32) -> Vec<u8> {
        let mut b = vec![0u8; 512 * 3];
        b[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        let put16 = |b: &mut Vec<u8>, at: usize, v: u16| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
        let put32 = |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
        put16(&mut b, 0x18, 0x3E);
        put16(&mut b, 0x1A, 3);
        put16(&mut b, 0x1C, 0xFFFE);
        put16(&mut b, 0x1E, 9);
        put16(&mut b, 0x20, 6);
        put32(&mut b, 0x2C, 1);
        put32(&mut b, 0x30, 1);
        put32(&mut b, 0x38, 4096);
        put32(&mut b, 0x3C, END_OF_CHAIN);
        put32(&mut b, 0x44, END_OF_CHAIN);
        put32(&mut b, 0x4C, 0);
        for k in 1..HEADER_DIFAT {
            put32(&mut b, 0x4C + k * 4, NO_STREAM);
        }
        // FAT: sector 0 is a FAT sector, sector 1 a one-sector chain, the rest free
        for k in 0..128 {
            put32(&mut b, 512 + k * 4, NO_STREAM);
        }
        put32(&mut b, 512, 0xFFFF_FFFD);
        put32(&mut b, 516, END_OF_CHAIN);
        let mut dir = vec![("Root Entry", 5u8, NO_STREAM, NO_STREAM, root_child)];
        dir.extend_from_slice(entries);
        for (i, (name, kind, left, right, child)) in dir.into_iter().enumerate() {
            let at = 1024 + i * 128;
            let units: Vec<u16> = name.encode_utf16().collect();
            for (k, u) in units.iter().enumerate() {
                put16(&mut b, at + k * 2, *u);
            }
            put16(&mut b, at + 64, ((units.len() + 1) * 2) as u16);
            b[at + 66] = kind;
            put32(&mut b, at + 68, left);
            put32(&mut b, at + 72, right);
            put32(&mut b, at + 76, child);
        }
        b
    }

    fn doc() -> Vec<u8> {
        cfb(&[("WordDocument", 2, NO_STREAM, 2, NO_STREAM), ("1Table", 2, NO_STREAM, NO_STREAM, NO_STREAM)], 1)
    }

    fn xls() -> Vec<u8> {
        cfb(&[("\u{5}SummaryInformation", 2, NO_STREAM, NO_STREAM, NO_STREAM), ("Workbook", 2, 1, NO_STREAM, NO_STREAM)], 2)
    }

    #[test]
    fn each_kind_is_recognised_by_its_content() {
        let cases: Vec<(&str, Vec<u8>, FileKind)> = vec![
            ("公文.pdf", PDF.to_vec(), FileKind::Pdf),
            ("照片.JPG", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'], FileKind::Jpeg),
            ("照片.jpeg", vec![0xFF, 0xD8, 0xFF, 0xDB], FileKind::Jpeg),
            ("扫描件.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), FileKind::Png),
            ("通知.ofd", zip_with(&["OFD.xml", "Doc_0/Document.xml"]), FileKind::Ofd),
            ("报告.docx", zip_with(&["[Content_Types].xml", "word/document.xml"]), FileKind::Docx),
            ("名单.xlsx", zip_with(&["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]), FileKind::Xlsx),
            ("旧报告.doc", doc(), FileKind::Doc),
            ("旧名单.xls", xls(), FileKind::Xls),
        ];
        for (name, bytes, kind) in cases {
            assert_eq!(check_upload(name, &bytes), Ok(kind), "{name}");
            assert_eq!(sniff(&bytes), Some(kind), "{name}");
        }
        // BIFF5 workbooks name their stream "Book"
        let book = cfb(&[("Book", 2, NO_STREAM, NO_STREAM, NO_STREAM)], 1);
        assert_eq!(sniff(&book), Some(FileKind::Xls));
    }

    #[test]
    fn executables_are_refused_whatever_their_name() {
        for (bytes, what) in [
            (b"MZ\x90\0\x03\0\0\0".to_vec(), "Windows 程序"),
            (b"\x7fELF\x02\x01\x01\0".to_vec(), "ELF 程序"),
            (vec![0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1], "Mach-O 程序"),
            (vec![0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2], "Mach-O 程序"),
            (b"#!/bin/sh\nrm -rf /\n".to_vec(), "脚本"),
        ] {
            assert_eq!(check_upload("材料.pdf", &bytes), Err(format!("文件内容是可执行程序（{what}），不允许上传")));
            assert_eq!(sniff(&bytes), None);
        }
    }

    #[test]
    fn content_must_match_the_extension() {
        assert_eq!(check_upload("材料.pdf", b"hello"), Err("文件内容与扩展名不符：扩展名为 .pdf，内容不是 PDF".into()));
        assert_eq!(check_upload("材料.pdf", &zip_with(&["word/document.xml"])), Err("文件内容与扩展名不符：扩展名为 .pdf，内容不是 PDF 而是 DOCX".into()));
        assert_eq!(check_upload("名单.xls", &doc()), Err("文件内容与扩展名不符：扩展名为 .xls，内容不是 XLS 而是 DOC".into()));
        assert_eq!(check_upload("照片.png", &[0xFF, 0xD8, 0xFF, 0xE0]), Err("文件内容与扩展名不符：扩展名为 .png，内容不是 PNG 而是 JPEG".into()));
        // a plain zip, a broken zip, an OLE2 file without a document stream at its root (an
        // installer, or a workbook embedded in a storage of its own)
        assert!(check_upload("报告.docx", &zip_with(&["a.txt"])).is_err());
        assert!(check_upload("报告.docx", b"PK\x03\x04broken").is_err());
        let msi = cfb(&[("\u{4840}\u{3f3f}", 2, NO_STREAM, NO_STREAM, NO_STREAM)], 1);
        assert!(check_upload("名单.xls", &msi).is_err());
        let embedded = cfb(&[("ObjectPool", 1, NO_STREAM, NO_STREAM, 2), ("Workbook", 2, NO_STREAM, NO_STREAM, NO_STREAM)], 1);
        assert_eq!(sniff(&embedded), None);
        // a truncated or looping compound file is unknown, not a panic
        assert_eq!(sniff(&doc()[..700]), None);
        let mut looping = doc();
        looping[516..520].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(sniff(&looping), None);
        let mut cycle = doc();
        cycle[1024 + 128 + 72..1024 + 128 + 76].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(sniff(&cycle), Some(FileKind::Doc));
    }

    #[test]
    fn names_types_and_empty_files() {
        assert_eq!(check_upload("说明.txt", b"hello"), Err("不支持的文件类型（.txt），允许：PDF、JPEG、PNG、OFD、DOCX、XLSX、DOC、XLS".into()));
        assert_eq!(check_upload("资料.zip", &zip_with(&["a.txt"])), Err("不支持的文件类型（.zip），允许：PDF、JPEG、PNG、OFD、DOCX、XLSX、DOC、XLS".into()));
        assert!(check_upload("README", PDF).unwrap_err().contains("无扩展名"));
        assert_eq!(check_upload("空.pdf", b""), Err("文件为空".into()));
        assert_eq!(check_upload("  ", PDF), Err("文件名为空".into()));
        let long = format!("{}.pdf", "长".repeat(197));
        assert_eq!(check_upload(&long, PDF), Err("文件名过长（201 个字符），最多 200 个字符".into()));
        assert!(check_upload(&format!("{}.pdf", "长".repeat(196)), PDF).is_ok());
        assert!(check_upload(&format!(" {}.pdf", "长".repeat(196)), PDF).is_err());
        assert_eq!(FileKind::from_extension("JPEG"), Some(FileKind::Jpeg));
        assert_eq!(FileKind::from_extension("exe"), None);
    }
}
