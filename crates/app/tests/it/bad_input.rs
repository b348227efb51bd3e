//! Hostile files get a 422 with a Chinese message and change nothing: XLSX "bombs" (a tiny file
//! declaring a sheet of XFD1048576, a sheet XML that inflates to tens of MB) and uploads whose
//! content is not what their name says (programs renamed .pdf).

use lianzheng_docs::xlsx::{Column, Table, write_tables};
use serde_json::Value;

use crate::both;
use crate::harness::{TINY_PDF, TestApp, rewrite_sheet, with_dimension};

/// A real people workbook with its sheet XML rewritten by `f`.
fn people_workbook(f: impl Fn(&str) -> String) -> Vec<u8> {
    let headers = ["姓名", "性别", "身份证号", "所属单位编码", "联系电话", "政治面貌", "职级", "职务", "职务名称", "分管工作", "任职日期"];
    let xlsx = write_tables(&[Table {
        title: None,
        sheet_name: "人员".into(),
        columns: headers.iter().map(|h| Column { header: h.to_string(), width: None, text: true }).collect(),
        rows: vec![vec!["钱一".into(), "男".into(), String::new(), "XW-D08".into()]],
    }])
    .unwrap();
    rewrite_sheet(xlsx, f)
}

fn declaring(dimension: &str) -> Vec<u8> {
    with_dimension(people_workbook(str::to_string), dimension)
}

fn file_form(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()))
}

both!(xlsx_bombs_are_refused_and_nothing_is_imported, |app: TestApp| async move {
    use lianzheng_store::q;
    let db = &app.state.db;
    let people = || async { db.scalar_i64(q("SELECT COUNT(*) FROM people")).await.unwrap() };
    let orgs = || async { db.scalar_i64(q("SELECT COUNT(*) FROM orgs")).await.unwrap() };
    let (people_before, orgs_before) = (people().await, orgs().await);
    let bomb = declaring("A1:XFD1048576");
    assert!(bomb.len() < 8 * 1024, "a small file: {} bytes", bomb.len());
    let message = "文件声明的表格范围过大（XFD1048576），最多 20000 行、200 列";

    // the people import page
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let r = c.post(app.url(&format!("/people/import?_csrf={csrf}"))).multipart(file_form(bomb.clone(), "人员.xlsx")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(message), "{html}");
    // the same with a bearer token (as a program would), on the organisations import
    let admin = app.token("admin").await;
    let r = app.client().post(app.url("/orgs/import")).bearer_auth(&admin).multipart(file_form(bomb, "orgs.xlsx")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(message));

    // a sheet of 40 MB of XML compressed into a few dozen KB
    let row = "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>";
    let rows = row.repeat(40 * 1024 * 1024 / row.len());
    let zipped = people_workbook(|xml| xml.replace("</sheetData>", &format!("{rows}</sheetData>")));
    assert!(zipped.len() < 1024 * 1024, "{}", zipped.len());
    let r = c.post(app.url(&format!("/people/import?_csrf={csrf}"))).multipart(file_form(zipped, "人员.xlsx")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("文件的压缩比异常"));

    // and the same file within the limits imports
    let fine = declaring("A1:K2");
    let r = c.post(app.url(&format!("/people/import?_csrf={csrf}"))).multipart(file_form(fine, "人员.xlsx")).send().await.unwrap();
    let (status, html) = (r.status(), r.text().await.unwrap());
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("已导入 1 人"));
    assert_eq!(people().await, people_before + 1);
    assert_eq!(orgs().await, orgs_before);
});

both!(uploads_are_checked_by_content, |app: TestApp| async move {
    use lianzheng_store::q;
    let db = &app.state.db;
    let attachments = || async { db.scalar_i64(q("SELECT COUNT(*) FROM attachments")).await.unwrap() };
    let before = attachments().await;
    let t = app.token("dw_jyj").await;
    let org = app.org_id("XW-D08").await;
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let form = file_form(bytes, name).text("org_id", org.to_string());
        app.client().post(app.url("/api/v1/attachments")).bearer_auth(&t).multipart(form).send()
    };
    // programs renamed .pdf
    for (bytes, what) in [(b"\x7fELF\x02\x01\x01\0\0\0\0\0".to_vec(), "ELF 程序"), (b"MZ\x90\0\x03\0\0\0\x04\0".to_vec(), "Windows 程序")] {
        let r = upload("会议记录.pdf", bytes).await.unwrap();
        assert_eq!(r.status(), 422);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["fields"]["file"], format!("文件内容是可执行程序（{what}），不允许上传"), "{v}");
    }
    // text named .pdf
    let r = upload("会议记录.pdf", b"not a pdf at all".to_vec()).await.unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["fields"]["file"], "文件内容与扩展名不符：扩展名为 .pdf，内容不是 PDF");
    assert_eq!(attachments().await, before, "nothing stored");

    // from the unit's page too
    let (c, csrf) = app.sign_in("dw_jyj").await;
    let r = c.post(app.url(&format!("/orgs/{org}/attachments?_csrf={csrf}"))).multipart(file_form(b"MZ\x90\0".to_vec(), "纪要.pdf")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("文件内容是可执行程序（Windows 程序），不允许上传"));
    assert_eq!(attachments().await, before);

    // a real (tiny) PDF is taken
    let r = upload("会议记录.pdf", TINY_PDF.to_vec()).await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(attachments().await, before + 1);
});
