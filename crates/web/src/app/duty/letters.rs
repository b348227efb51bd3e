//! 责任书/承诺书 use cases: templates, generation per signer, reading (need-to-know), editing
//! (the issuing organisation's staff), signing (the signer, or a scan filed by the unit's staff),
//! and the 雷同检查 flags (the 纪委 and the unit's 党务 staff).

use lianzheng_core::access::{self, Record, Sees};
use lianzheng_core::ids::*;
use lianzheng_core::org::{Permission, Role, Scope};
use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
use lianzheng_store::audit;
pub use lianzheng_store::duty::letters::TABLES;
use lianzheng_store::duty::letters::{self as store, FlagFilter, LetterFilter};
pub use lianzheng_store::duty::letters::{Flag, GenerationPlan, KINDS, Letter, LetterTemplate, PLACEHOLDERS, Planned, Skipped};
use serde_json::json;

use super::year_or_current;
use crate::app::files::{self, Owner, Upload};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::FieldErrors;
use crate::state::AppState;

const TITLE_MAX: usize = 200;
const BODY_MAX: usize = 20_000;
const NOTE_MAX: usize = 500;

/// Who is looking, and how much of a unit's letters and flags that person may see.
struct Viewer {
    scope: Scope,
    letters: Sees,
    flags: Sees,
    person_id: Option<PersonId>,
}

impl Viewer {
    fn of(p: &Principal) -> AppResult<Viewer> {
        let scope = p.require(Permission::ViewDuty)?;
        let roles = p.roles();
        Ok(Viewer { scope, letters: access::sees_any(&roles, Record::Letter), flags: access::sees_any(&roles, Record::LetterFlag), person_id: p.user.person_id })
    }
    /// A 纪委 reviewer: every letter and flag of the review scope.
    fn reviewer(p: &Principal) -> AppResult<Viewer> {
        Ok(Viewer { scope: super::open(p, super::Part::Flags)?, letters: Sees::All, flags: Sees::All, person_id: p.user.person_id })
    }
    fn sees(&self, l: &Letter) -> bool {
        self.scope.contains(&l.org_path) && access::visible(self.letters, l.person_id, self.person_id)
    }
    /// A flag as this viewer may read it: the letter on either side that lies outside the
    /// scope is not named (no title, unit, signer or id).
    fn mask(&self, mut f: Flag) -> Flag {
        if !self.scope.contains(&f.letter_org_path) {
            f.letter_title = "（范围外的责任书）".into();
            f.letter_org = String::new();
            f.letter_signer = String::new();
        }
        if f.other_org_path.as_deref().is_some_and(|p| !self.scope.contains(p)) {
            f.other_title = Some("（范围外的责任书）".into());
            f.other_org = None;
            f.other_signer = None;
            f.other_letter_id = None;
        }
        f
    }
}

/// The letters of a year the caller may see.
/// The letters table's sortable columns: (key, label); an unknown key gives organisation order.
pub const LETTER_SORTS: &[(&str, &str)] = &[("signer", "签订人"), ("org", "单位"), ("title", "责任书"), ("status", "状态")];
/// The flags table's sortable columns; an unknown key gives open flags first, highest score first.
pub const FLAG_SORTS: &[(&str, &str)] = &[("kind", "类型"), ("letter", "责任书"), ("score", "相似度"), ("status", "状态")];

pub async fn list(st: &AppState, p: &Principal, year: &str, status: &str, flagged: bool, sort: &str) -> AppResult<(i64, Vec<Letter>)> {
    list_of(st, p, year, status, flagged, sort, "").await
}

/// As [`list`], narrowed to a unit and those below it (`org`: its id; blank: all).
pub async fn list_of(st: &AppState, p: &Principal, year: &str, status: &str, flagged: bool, sort: &str, org: &str) -> AppResult<(i64, Vec<Letter>)> {
    let v = Viewer::of(p)?;
    let year = i64::from(year_or_current(year));
    let sort = lianzheng_store::builder::Sort::parse(sort);
    let mut rows = store::list(&st.db, &v.scope, &LetterFilter { year, status: Some(status.to_string()), flagged, sort }).await?;
    rows.retain(|l| v.sees(l));
    if let Some(path) = crate::app::org::filter_path(st, org).await? {
        rows.retain(|l| l.org_path.starts_with(&path));
    }
    if v.flags == Sees::Nothing {
        // whether a letter is flagged is itself a flag
        rows.iter_mut().for_each(|l| l.open_flags = 0);
    }
    Ok((year, rows))
}

/// Templates of a year the caller keeps, and the units a new one may be issued by.
pub async fn templates(st: &AppState, p: &Principal, year: i64) -> AppResult<Vec<LetterTemplate>> {
    let scope = super::open(p, super::Part::LetterTemplates)?;
    Ok(store::templates(&st.db, &scope, year).await?)
}

pub struct NewTemplate {
    pub year: String,
    pub org_id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
}

/// Placeholders in `{…}` that the generator does not know.
fn unknown_placeholders(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        let after = &rest[start..];
        let Some(end) = after.find('}') else { break };
        let token = &after[..=end];
        if !store::PLACEHOLDERS.iter().any(|(k, _)| *k == token) && !out.iter().any(|t| t == token) {
            out.push(token.to_string());
        }
        rest = &after[end + 1..];
    }
    out
}

/// The title and body of a template: a title, and a body holding {责任内容} and only known placeholders.
fn check_text(e: &mut FieldErrors, title: &str, body: &str) {
    if title.is_empty() {
        e.insert("title".into(), "请填写标题".into());
    } else if title.chars().count() > TITLE_MAX {
        e.insert("title".into(), format!("标题最多 {TITLE_MAX} 字"));
    }
    if !body.contains("{责任内容}") {
        e.insert("body".into(), "正文须包含 {责任内容}，以便按签订人本人的清单生成".into());
    } else if body.chars().count() > BODY_MAX {
        e.insert("body".into(), format!("正文最多 {BODY_MAX} 字"));
    } else {
        let unknown = unknown_placeholders(body);
        if !unknown.is_empty() {
            let known: Vec<&str> = store::PLACEHOLDERS.iter().map(|(k, _)| *k).collect();
            e.insert("body".into(), format!("正文中有无法识别的占位符：{}（可用：{}）", unknown.join("、"), known.join("、")));
        }
    }
}

/// A template the caller keeps (EditDuty over its issuing organisation).
pub async fn template(st: &AppState, p: &Principal, id: LetterTemplateId) -> AppResult<LetterTemplate> {
    let scope = p.require(Permission::EditDuty)?;
    Ok(store::template_in_scope(&st.db, &scope, id).await?)
}

/// Changes a template's title and body until letters have been generated from it (checked
/// again under the row's lock); after that it can only be disabled. Field errors come back as
/// `Invalid` with the fields.
pub async fn update_template(st: &AppState, p: &Principal, id: LetterTemplateId, title: &str, body: &str) -> AppResult<LetterTemplate> {
    let scope = p.require(Permission::EditDuty)?;
    let t = store::template_in_scope(&st.db, &scope, id).await?;
    if !t.editable() {
        return Err(AppError::Conflict(store::template_in_use(t.letter_count)));
    }
    let body = body.replace("\r\n", "\n");
    let title = title.trim();
    let mut e = FieldErrors::new();
    check_text(&mut e, title, &body);
    if !e.is_empty() {
        return Err(AppError::Invalid { message: "请修改标红的项目".into(), fields: e });
    }
    let mut tx = st.db.begin().await?;
    store::update_template(&mut tx, &p.actor(), &scope, t.id, (&t.title, &t.body), title, &body).await?;
    tx.commit().await?;
    Ok(store::template_in_scope(&st.db, &scope, t.id).await?)
}

/// 停用 (`disabled`) or 启用 a template: a disabled one generates no new letters; the letters
/// made from it are untouched. A template not yet used is edited (or simply left) instead.
pub async fn set_template_disabled(st: &AppState, p: &Principal, id: LetterTemplateId, disabled: bool) -> AppResult<LetterTemplate> {
    let scope = p.require(Permission::EditDuty)?;
    let t = store::template_in_scope(&st.db, &scope, id).await?;
    if t.disabled == disabled {
        return Err(AppError::Conflict(if disabled { "模板已停用" } else { "模板未停用" }.into()));
    }
    if disabled && t.editable() {
        return Err(AppError::Conflict("尚未按本模板生成责任书，无需停用；可以继续修改".into()));
    }
    let mut tx = st.db.begin().await?;
    store::set_template_disabled(&mut tx, &p.actor(), &scope, t.id, disabled).await?;
    tx.commit().await?;
    Ok(store::template_in_scope(&st.db, &scope, t.id).await?)
}

/// A new letter template. Field errors come back as `Invalid` with the fields.
pub async fn create_template(st: &AppState, p: &Principal, f: &NewTemplate) -> AppResult<(LetterTemplateId, i64)> {
    let scope = p.require(Permission::EditDuty)?;
    let mut e = FieldErrors::new();
    let year = i64::from(year_or_current(&f.year));
    let org_id = f.org_id.trim().parse::<i64>().ok().map(OrgId::new);
    if org_id.is_none() {
        e.insert("org_id".into(), "请选择发出责任书的单位".into());
    }
    let title = f.title.trim();
    check_text(&mut e, title, &f.body);
    let Some(org_id) = org_id.filter(|_| e.is_empty()) else {
        return Err(AppError::Invalid { message: "请修改标红的项目".into(), fields: e });
    };
    let mut tx = st.db.begin().await?;
    let id = store::create_template(&mut tx, &p.actor(), &scope, year, org_id, f.kind.trim(), title, &f.body).await?;
    tx.commit().await?;
    Ok((id, year))
}

/// 生成预览: which letters generating a template would make (signer, source list), which
/// signers it leaves out and why, and one letter as it would read.
pub struct Preview {
    pub plan: GenerationPlan,
    pub sample: Option<String>,
}

async fn plan_of(st: &AppState, p: &Principal, template_id: LetterTemplateId) -> AppResult<(Scope, GenerationPlan)> {
    let scope = p.require(Permission::EditDuty)?;
    let t = store::template_in_scope(&st.db, &scope, template_id).await?;
    let mut tx = st.db.begin_read().await?;
    let plan = store::plan_generation(&mut tx, &scope, t.id).await?;
    drop(tx);
    Ok((scope, plan))
}

pub async fn preview(st: &AppState, p: &Principal, template_id: LetterTemplateId) -> AppResult<Preview> {
    let (_, plan) = plan_of(st, p, template_id).await?;
    let sample = plan.letters.first().map(|l| plan.text(l));
    Ok(Preview { plan, sample })
}

/// Generates the letters of a template (signers under the issuing organisation, within the
/// caller's scope, from 已备案 lists only) and checks each new one for copies. Returns how many,
/// the year, and who was left out and why.
pub async fn generate(st: &AppState, p: &Principal, template_id: LetterTemplateId) -> AppResult<(usize, i64, Vec<Skipped>)> {
    let scope = p.require(Permission::EditDuty)?;
    let t = store::template_in_scope(&st.db, &scope, template_id).await?;
    if t.disabled {
        return Err(AppError::Conflict("模板已停用，不能再生成责任书；如需生成，请先启用".into()));
    }
    let mut tx = st.db.begin().await?;
    let (made, plan) = store::generate(&mut tx, &p.actor(), &scope, t.id).await?;
    tx.commit().await?;
    // after the commit, outside any write transaction; all at once: the year's signatures are read once
    store::check_letters(&st.db, &made, crate::app::settings::letter_threshold(st)).await?;
    Ok((made.len(), t.year, plan.skipped))
}

/// A letter as one person sees it, with what that person may do.
pub struct LetterView {
    pub letter: Letter,
    pub flags: Vec<Flag>,
    pub can_edit: bool,
    pub can_confirm: bool,
    pub can_scan: bool,
    pub can_review: bool,
}

/// Whether the caller keeps the letter's text: staff of the organisation that issued it.
async fn may_edit(st: &AppState, p: &Principal, letter: &Letter) -> AppResult<bool> {
    let Ok(edit) = p.require(Permission::EditDuty) else { return Ok(false) };
    let issuer = lianzheng_store::org::get(&st.db, letter.upper_org_id).await?;
    Ok(issuer.is_some_and(|o| edit.contains(&o.path)))
}

/// Whether the caller may file a signed scan: the signer, or the unit's staff who collect paper signatures.
fn may_scan(p: &Principal, letter: &Letter) -> bool {
    let signer = letter.person_id.is_some_and(|pid| p.user.person_id == Some(pid)) && p.require(Permission::SignLetter).is_ok_and(|s| s.contains(&letter.org_path));
    let staff = p.require(Permission::EditDuty).is_ok_and(|s| s.contains(&letter.org_path));
    signer || staff
}

/// Whether the caller is the letter's signer and may confirm it in the system: for a personal
/// letter the person; for a unit's letter its 书记 (the 书记 role at exactly that unit, and the
/// person named as the unit's 书记 when one is recorded). Nobody else, whatever their permissions.
async fn may_confirm(st: &AppState, p: &Principal, letter: &Letter) -> AppResult<bool> {
    if !p.require(Permission::SignLetter).is_ok_and(|s| s.contains(&letter.org_path)) {
        return Ok(false);
    }
    if let Some(pid) = letter.person_id {
        return Ok(p.user.person_id == Some(pid));
    }
    let secretary_here = p.grants.iter().any(|g| g.role() == Some(Role::Secretary) && g.org_path.as_deref() == Some(letter.org_path.as_str()));
    if !secretary_here {
        return Ok(false);
    }
    let mut tx = st.db.begin_read().await?;
    let named = store::unit_secretary(&mut tx, letter.org_id).await?;
    drop(tx);
    Ok(named.is_none_or(|(pid, _)| p.user.person_id == Some(pid)))
}

async fn visible_letter(st: &AppState, p: &Principal, id: LetterId) -> AppResult<(Viewer, Letter)> {
    let v = Viewer::of(p)?;
    let letter = store::get_in_scope(&st.db, &v.scope, id).await?;
    if !v.sees(&letter) {
        return Err(AppError::NotFound);
    }
    Ok((v, letter))
}

pub async fn show(st: &AppState, p: &Principal, id: LetterId) -> AppResult<LetterView> {
    let (v, letter) = visible_letter(st, p, id).await?;
    let flags = if v.flags == Sees::Nothing { vec![] } else { store::flags_of_letter(&st.db, &v.scope, letter.id).await?.into_iter().map(|f| v.mask(f)).collect() };
    let unsigned = !letter.is_signed();
    let can_edit = unsigned && may_edit(st, p, &letter).await?;
    let can_confirm = unsigned && may_confirm(st, p, &letter).await?;
    let can_scan = unsigned && may_scan(p, &letter);
    let can_review = p.can(Permission::ReviewDuty);
    Ok(LetterView { letter, flags, can_edit, can_confirm, can_scan, can_review })
}

/// Saves a letter's text and re-checks it at once, so a copied text is flagged as it is saved.
/// `version` is required: without it two editors would overwrite each other silently.
pub async fn update_body(st: &AppState, p: &Principal, id: LetterId, version: &str, body: &str) -> AppResult<Letter> {
    p.require(Permission::EditDuty)?;
    let (_, letter) = visible_letter(st, p, id).await?;
    if !may_edit(st, p, &letter).await? {
        return Err(AppError::Forbidden);
    }
    let body = body.replace("\r\n", "\n");
    if body.trim().is_empty() {
        return Err(AppError::field("body", "正文不能为空"));
    }
    if body.chars().count() > BODY_MAX {
        return Err(AppError::field("body", format!("正文最多 {BODY_MAX} 字")));
    }
    let version = version.trim().parse::<i64>().map_err(|_| AppError::Conflict("缺少版本号 version（来自读取时的数据），为免覆盖他人的修改，请刷新后重试".into()))?;
    let scope = p.require(Permission::EditDuty)?;
    let mut tx = st.db.begin().await?;
    store::update_body(&mut tx, &p.actor(), &scope.within(&letter.org_path), letter.id, version, &body).await?;
    tx.commit().await?;
    // after the commit: the check computes outside any write transaction
    store::check_letter(&st.db, letter.id, crate::app::settings::letter_threshold(st)).await?;
    let (_, letter) = visible_letter(st, p, id).await?;
    Ok(letter)
}

/// What signing a letter with an open flag must be confirmed against: the flags' kinds (the
/// other letter is not named to a signer who may not see flags).
pub fn flag_warning(kinds: &[&str]) -> String {
    format!("本责任书有未核查的提示（{}），纪委或单位党务工作人员尚未核实。确认仍要签订吗？", kinds.join("、"))
}

/// The open flags' kinds on a letter, for the confirmation step (read whatever the viewer's
/// role: the signer is told that a flag is open, not what it compares with).
pub async fn open_flag_kinds(st: &AppState, p: &Principal, letter: &Letter) -> AppResult<Vec<&'static str>> {
    if letter.open_flags == 0 {
        return Ok(vec![]);
    }
    let scope = p.require(Permission::ViewDuty)?;
    let mut kinds: Vec<&'static str> = store::flags_of_letter(&st.db, &scope, letter.id).await?.iter().filter(|f| !f.reviewed()).map(Flag::kind_label).collect();
    kinds.dedup();
    if kinds.is_empty() {
        kinds.push("内容雷同");
    }
    Ok(kinds)
}

/// 签订 by confirmation in the system, by the signer named on the letter only. A letter with an
/// open 照抄/雷同 flag is signed only with `confirm_flag` (otherwise a conflict naming the flag).
pub async fn confirm(st: &AppState, p: &Principal, id: LetterId, confirm_flag: bool) -> AppResult<Letter> {
    let sign_scope = p.require(Permission::SignLetter)?;
    let (_, letter) = visible_letter(st, p, id).await?;
    if letter.is_signed() {
        return Err(AppError::invalid("责任书已签订"));
    }
    if !may_confirm(st, p, &letter).await? {
        let who = if letter.person_id.is_some() { format!("签订人{}本人", letter.signer_name) } else { format!("{}书记{}", letter.org_name, letter.signer_name) };
        return Err(AppError::Refused(format!("本责任书只能由{who}在系统内确认签订；代为签订请由单位党务工作人员上传签字扫描件")));
    }
    if !confirm_flag {
        let kinds = open_flag_kinds(st, p, &letter).await?;
        if !kinds.is_empty() {
            return Err(AppError::Conflict(flag_warning(&kinds)));
        }
    }
    let mut tx = st.db.begin().await?;
    store::sign(&mut tx, &p.actor(), &sign_scope, letter.id, "confirm", None).await?;
    tx.commit().await?;
    Ok(visible_letter(st, p, id).await?.1)
}

/// "2026年3月5日".
fn chinese_date((y, m, d): (i32, u32, u32)) -> String {
    format!("{y}年{m}月{d}日")
}

/// The letter as a DOCX to print and sign: its text, and the two parties' signature block (the
/// issuing organisation dated with the 印发 date, the signer dated when signed, else blank).
pub async fn document(st: &AppState, p: &Principal, id: LetterId) -> AppResult<(String, Vec<u8>)> {
    let (_, letter) = visible_letter(st, p, id).await?;
    let issued = lianzheng_core::duty::issue_date(letter.issued_on.as_deref(), letter.created_at);
    let signed = letter.signed_at.map(|t| chinese_date(lianzheng_core::duty::issue_date(None, t))).unwrap_or_else(|| "　　　　年　　月　　日".into());
    let signer = if letter.person_id.is_some() { format!("{}　{}", letter.org_name, letter.signer_name) } else { letter.org_name.clone() };
    let mut body: Vec<Block> = letter.body.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Block::Paragraph(l.to_string())).collect();
    body.push(Block::Parties(vec![
        vec!["发出单位（盖章）：".into(), letter.upper_org_name.clone(), "负责人（签字）：".into(), String::new(), chinese_date(issued)],
        vec!["签订单位（盖章）：".into(), signer, if letter.person_id.is_some() { "签订人（签字）：".into() } else { format!("书记（签字）：{}", letter.signer_name) }, String::new(), signed],
    ]));
    // the title without the signer in brackets: the parties are named in the text and below it
    let title = match letter.title.strip_suffix('）').and_then(|t| t.rsplit_once('（')) {
        Some((t, _)) if !t.trim().is_empty() => t.to_string(),
        _ => letter.title.clone(),
    };
    let doc = OfficialDocument { title, body, date: issued, ..OfficialDocument::default() };
    let bytes = to_docx(&doc).map_err(|e| AppError::Internal(format!("生成责任书文件：{e}")))?;
    p.log_read(st, "letter.document", "letter", Some(letter.id.to_string()), json!({"title": letter.title})).await?;
    Ok((format!("{}.docx", letter.title), bytes))
}

/// 签订 by a signed scan: the signer, or the unit's staff.
pub async fn sign_with_scan(st: &AppState, p: &Principal, id: LetterId, file: Upload) -> AppResult<Letter> {
    if !p.can(Permission::SignLetter) && !p.can(Permission::EditDuty) {
        return Err(AppError::Forbidden);
    }
    let (viewer, letter) = visible_letter(st, p, id).await?;
    if !may_scan(p, &letter) {
        return Err(AppError::Forbidden);
    }
    if letter.is_signed() {
        return Err(AppError::invalid("责任书已签订"));
    }
    if !["pdf", "jpg", "jpeg", "png", "ofd"].iter().any(|e| file.filename.to_lowercase().ends_with(&format!(".{e}"))) {
        return Err(AppError::field("file", "签字扫描件须为 PDF、OFD 或图片（jpg、png）"));
    }
    let upload_scope = p.require(Permission::UploadAttachments)?;
    let saved = files::store(st, p, &upload_scope, letter.org_id, Owner::Letter(letter.id), file).await?;
    let mut tx = st.db.begin().await?;
    store::sign(&mut tx, &p.actor(), &viewer.scope, letter.id, "scan", Some(saved.id)).await?;
    tx.commit().await?;
    Ok(visible_letter(st, p, id).await?.1)
}

/// The flags of a year in the reviewer's scope, the other side named only inside it.
pub async fn flags(st: &AppState, p: &Principal, year: &str, kind: &str, status: &str, sort: &str) -> AppResult<(i64, Vec<Flag>)> {
    let v = Viewer::reviewer(p)?;
    let year = i64::from(year_or_current(year));
    let sort = lianzheng_store::builder::Sort::parse(sort);
    let rows = store::flags(&st.db, &v.scope, &FlagFilter { year, kind: Some(kind.to_string()), status: Some(status.to_string()), sort }).await?;
    Ok((year, rows.into_iter().map(|f| v.mask(f)).collect()))
}

/// Re-runs the whole year's copy check. It compares every letter of the year with every
/// other, so only a reviewer whose scope holds all of them may start it; it is audited.
pub async fn recheck(st: &AppState, p: &Principal, year: &str) -> AppResult<(i64, usize)> {
    let scope = p.require(Permission::ReviewDuty)?;
    let year = i64::from(year_or_current(year));
    if store::letters_outside(&st.db, &scope, year).await? > 0 {
        return Err(AppError::Refused("全年雷同检查比对本年度全部责任书，须由管辖全部签订单位的纪委发起".into()));
    }
    let n = store::check_year(&st.db, year, crate::app::settings::letter_threshold(st)).await?;
    let mut tx = st.db.begin().await?;
    audit::record(&mut tx, &p.actor(), "letter.recheck", "letter", None, json!({"year": year, "flags": n})).await?;
    tx.commit().await?;
    Ok((year, n))
}

/// A flag with both letters for the side-by-side view (the other only when in scope).
pub struct Comparison {
    pub flag: Flag,
    pub left: Letter,
    pub right: Option<Letter>,
}

pub async fn flag(st: &AppState, p: &Principal, id: FlagId) -> AppResult<Comparison> {
    let v = Viewer::reviewer(p)?;
    let flag = v.mask(store::flag_in_scope(&st.db, &v.scope, id).await?);
    let left = store::get_in_scope(&st.db, &v.scope, flag.letter_id).await?;
    let right = match flag.other_letter_id {
        Some(o) => store::get_in_scope(&st.db, &v.scope, o).await.ok(),
        None => None,
    };
    Ok(Comparison { flag, left, right })
}

/// 标记已核.
pub async fn review_flag(st: &AppState, p: &Principal, id: FlagId, note: &str) -> AppResult<Flag> {
    let v = Viewer::reviewer(p)?;
    let note = note.trim();
    if note.chars().count() > NOTE_MAX {
        return Err(AppError::field("note", format!("核查说明最多 {NOTE_MAX} 字")));
    }
    let flag = store::flag_in_scope(&st.db, &v.scope, id).await?;
    let mut tx = st.db.begin().await?;
    store::mark_reviewed(&mut tx, &p.actor(), &v.scope, flag.id, Some(note).filter(|n| !n.is_empty())).await?;
    tx.commit().await?;
    Ok(v.mask(store::flag_in_scope(&st.db, &v.scope, flag.id).await?))
}

pub type Phrase = (i64, String, String, Option<String>);

/// 职责范围用语 (phrases foreign to units outside the named ones).
pub async fn phrases(st: &AppState, p: &Principal) -> AppResult<Vec<Phrase>> {
    super::open(p, super::Part::Phrases)?;
    Ok(store::phrases(&st.db).await?)
}

pub async fn add_phrase(st: &AppState, p: &Principal, phrase: &str, allowed: &str, note: &str) -> AppResult<()> {
    super::open(p, super::Part::Phrases)?;
    let mut e = FieldErrors::new();
    let (phrase, allowed, note) = (phrase.trim(), allowed.trim(), note.trim());
    if phrase.chars().count() < 4 {
        e.insert("phrase".into(), "用语至少4个字".into());
    } else if phrase.chars().count() > 100 {
        e.insert("phrase".into(), "用语最多100字".into());
    }
    if allowed.is_empty() {
        e.insert("allowed".into(), "请填写适用单位名称中的关键词，如 法院,检察院".into());
    } else if allowed.chars().count() > 200 {
        e.insert("allowed".into(), "关键词最多200字".into());
    }
    if note.chars().count() > NOTE_MAX {
        e.insert("note".into(), format!("说明最多 {NOTE_MAX} 字"));
    }
    if !e.is_empty() {
        return Err(AppError::Invalid { message: "请修改标红的项目".into(), fields: e });
    }
    let mut tx = st.db.begin().await?;
    store::add_phrase(&mut tx, &p.actor(), phrase, allowed, Some(note).filter(|n| !n.is_empty())).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::unknown_placeholders;

    #[test]
    fn unknown_placeholders_are_named_once() {
        assert!(unknown_placeholders("{签订人}{单位}{责任内容}").is_empty());
        assert_eq!(unknown_placeholders("{签定人}与{上级}{签定人}"), vec!["{签定人}"]);
    }
}
