//! 廉政测评 (DOMAIN.md "考责" 5): a ballot form per campaign (items × 满意 / 基本满意 / 不满意,
//! an optional comment), meetings held at its units by the organiser (ManageInspection) with N
//! one-time codes printed as a sheet of QR codes, and a public page where each code casts one
//! ballot from a phone without an account. Ballots cannot be tied to a code, a person or a time
//! (docs/decisions/0023-ballot-anonymity.md).
//!
//! 满意率 is the field's usual one: (满意 + 基本满意) ÷ 有效票 — 基本满意 counts as satisfied;
//! the share of 满意 alone and of 不满意 are shown beside it.

use lianzheng_core::org::Permission;
use lianzheng_store::inspection::ballots as store;
pub use lianzheng_store::inspection::ballots::{ANSWERS, Item, Meeting, Refusal, TABLES};
use lianzheng_store::inspection::campaigns::{self, Campaign};
use serde::{Deserialize, Serialize};

use crate::app::calendar;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient};
use crate::state::AppState;

/// The items of the field's 测评表 (党风廉政建设责任制落实情况测评表), the form's default.
pub const DEFAULT_ITEMS: &[&str] = &[
    "领导班子落实党风廉政建设主体责任情况",
    "主要负责人履行第一责任人职责情况",
    "班子成员履行“一岗双责”情况",
    "纪检组织履行监督责任情况",
    "落实中央八项规定精神、纠正“四风”情况",
    "党风党纪教育和廉洁文化建设情况",
    "执行“三重一大”决策制度情况",
    "本单位党风廉政建设总体评价",
];
pub const ITEMS_MAX: usize = 30;
const ITEM_MAX_CHARS: usize = 100;
pub const CODES_MAX: usize = 500;
pub const COMMENT_MAX: usize = 500;
/// Letters of the code: no 0/O, 1/I/L, so a code read aloud or typed is not mistaken.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 10;

/// The rates of one unit for one item (or all items, `item_id` None).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Rate {
    pub item_id: Option<i64>,
    pub satisfied: i64,
    pub basically: i64,
    pub dissatisfied: i64,
    /// (满意 + 基本满意) ÷ 有效票, in percent with one decimal; None without ballots
    pub rate: Option<f64>,
}

impl Rate {
    fn add(&mut self, a: char) {
        match a {
            'A' => self.satisfied += 1,
            'B' => self.basically += 1,
            'C' => self.dissatisfied += 1,
            _ => {}
        }
    }
    fn finish(mut self) -> Self {
        let n = self.satisfied + self.basically + self.dissatisfied;
        self.rate = (n > 0).then(|| ((self.satisfied + self.basically) as f64 * 1000.0 / n as f64).round() / 10.0);
        self
    }
    pub fn rate_text(&self) -> String {
        self.rate.map_or_else(|| "—".into(), |r| format!("{r:.1}%"))
    }
}

/// A unit's results: ballots cast, each item's rate and the overall one.
#[derive(Debug, Clone, Serialize)]
pub struct UnitResult {
    pub unit_id: i64,
    pub unit_name: String,
    pub ballots: i64,
    pub items: Vec<Rate>,
    pub overall: Rate,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub campaign: Campaign,
    pub items: Vec<Item>,
    /// whether the items may still change (no meeting yet)
    pub editable: bool,
    pub units: Vec<(i64, String)>,
    pub meetings: Vec<Meeting>,
    pub results: Vec<UnitResult>,
    /// comments left, per unit name (sorted)
    pub comments: Vec<(String, String)>,
}

async fn campaign(st: &AppState, p: &Principal, id: i64) -> AppResult<Campaign> {
    let scope = p.require(Permission::ManageInspection)?;
    Ok(campaigns::get_in_scope(&st.db, &scope, id).await?)
}

/// A meeting of a campaign the organiser holds (else not found).
pub async fn meeting(st: &AppState, p: &Principal, id: i64) -> AppResult<Meeting> {
    let scope = p.require(Permission::ManageInspection)?;
    let m = store::meeting(&st.db, id).await?;
    campaigns::get_in_scope(&st.db, &scope, m.campaign_id).await?;
    Ok(m)
}

/// The organiser's view of a campaign's 测评: form, meetings with live counts, rates.
pub async fn overview(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<Overview> {
    let campaign = campaign(st, p, campaign_id).await?;
    let mut items = store::items(&st.db, campaign_id).await?;
    let editable = !store::any_meeting(&st.db, campaign_id).await?;
    if items.is_empty() {
        items = DEFAULT_ITEMS.iter().enumerate().map(|(i, t)| Item { id: 0, seq: i as i64 + 1, text: t.to_string() }).collect();
    }
    let units = store::units(&st.db, campaign_id).await?;
    let meetings = store::meetings(&st.db, campaign_id).await?;
    let results = results(&units, &items, &store::casts(&st.db, campaign_id).await?);
    let comments = store::comments(&st.db, campaign_id).await?;
    let comments = comments.into_iter().map(|(u, c)| (units.iter().find(|x| x.0 == u).map_or_else(String::new, |x| x.1.clone()), c)).collect();
    Ok(Overview { campaign, items, editable, units, meetings, results, comments })
}

/// Counts per unit and item; units without ballots are left out.
pub fn results(units: &[(i64, String)], items: &[Item], casts: &[store::Cast]) -> Vec<UnitResult> {
    let mut out = Vec::new();
    for (unit_id, unit_name) in units {
        let mine: Vec<&store::Cast> = casts.iter().filter(|c| c.unit_id == *unit_id).collect();
        if mine.is_empty() {
            continue;
        }
        let mut per: Vec<Rate> = items.iter().map(|i| Rate { item_id: Some(i.id), ..Rate::default() }).collect();
        let mut overall = Rate::default();
        for c in &mine {
            for (r, a) in per.iter_mut().zip(c.answers.chars()) {
                r.add(a);
                overall.add(a);
            }
        }
        out.push(UnitResult { unit_id: *unit_id, unit_name: unit_name.clone(), ballots: mine.len() as i64, items: per.into_iter().map(Rate::finish).collect(), overall: overall.finish() });
    }
    out
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FormInput {
    /// one item a line (the page) …
    #[serde(deserialize_with = "lenient")]
    pub text: String,
    /// … or a list (the API)
    pub items: Option<Vec<String>>,
}

/// Sets the ballot form's items; only before the campaign's first meeting.
pub async fn save_form(st: &AppState, p: &Principal, campaign_id: i64, f: &FormInput) -> AppResult<Vec<Item>> {
    campaign(st, p, campaign_id).await?;
    if store::any_meeting(&st.db, campaign_id).await? {
        return Err(AppError::Conflict("已召开测评会议，测评表不能再修改（否则已投的票与测评项目对不上）".into()));
    }
    let texts: Vec<String> = match &f.items {
        Some(v) => v.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        None => f.text.lines().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
    };
    if texts.is_empty() {
        return Err(AppError::field("text", "请填写测评项目，每行一项"));
    }
    if texts.len() > ITEMS_MAX {
        return Err(AppError::field("text", format!("测评项目最多 {ITEMS_MAX} 项")));
    }
    if let Some(t) = texts.iter().find(|t| t.chars().count() > ITEM_MAX_CHARS) {
        return Err(AppError::field("text", format!("测评项目不能超过 {ITEM_MAX_CHARS} 个字：{t}")));
    }
    let mut tx = st.db.begin().await?;
    store::save_items(&mut tx, &p.actor(), campaign_id, &texts).await?;
    tx.commit().await?;
    Ok(store::items(&st.db, campaign_id).await?)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HoldForm {
    #[serde(deserialize_with = "lenient")]
    pub unit_id: String,
    #[serde(deserialize_with = "lenient")]
    pub held_on: String,
    #[serde(deserialize_with = "lenient")]
    pub count: String,
}

fn count(e: &mut FieldErrors, v: &str) -> Option<usize> {
    match v.trim().parse::<usize>() {
        Ok(n) if (1..=CODES_MAX).contains(&n) => Some(n),
        _ => {
            e.insert("count".into(), format!("测评码数量应为 1～{CODES_MAX} 之间的整数（按参会人数）"));
            None
        }
    }
}

/// New random codes.
pub fn new_codes(n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let mut b = [0u8; CODE_LEN];
            rand::fill(&mut b[..]);
            b.iter().map(|x| char::from(ALPHABET[usize::from(*x) % ALPHABET.len()])).collect()
        })
        .collect()
}

/// Holds a 测评 meeting at a unit of the campaign and generates its codes.
pub async fn hold(st: &AppState, p: &Principal, campaign_id: i64, f: &HoldForm) -> AppResult<(Meeting, Vec<String>)> {
    let c = campaign(st, p, campaign_id).await?;
    let mut e = FieldErrors::new();
    let units = store::units(&st.db, campaign_id).await?;
    let unit = f.unit_id.trim().parse::<i64>().ok().filter(|u| units.iter().any(|x| x.0 == *u));
    if unit.is_none() {
        e.insert("unit_id".into(), "请选择参加本次检查考核的被测评单位".into());
    }
    let held_on = if f.held_on.trim().is_empty() {
        Some(lianzheng_core::duty::format_date(calendar::today()))
    } else {
        match lianzheng_core::duty::parse_date(&f.held_on) {
            Some(d) => Some(lianzheng_core::duty::format_date(d)),
            None => {
                e.insert("held_on".into(), "会议日期应为日期，格式如 2026-12-02".into());
                None
            }
        }
    };
    let n = count(&mut e, &f.count);
    if c.status == "closed" {
        return Err(AppError::Conflict("检查考核已结束，不能再召开测评会议".into()));
    }
    let (Some(unit), Some(held_on), Some(n), true) = (unit, held_on, n, e.is_empty()) else { return Err(into_error(e)) };
    let codes = new_codes(n);
    let mut tx = st.db.begin().await?;
    let id = store::meeting_create(&mut tx, &p.actor(), campaign_id, unit, &held_on, &codes, DEFAULT_ITEMS).await?;
    tx.commit().await?;
    Ok((store::meeting(&st.db, id).await?, codes))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AddForm {
    #[serde(deserialize_with = "lenient")]
    pub count: String,
}

/// More codes for an open meeting.
pub async fn add_codes(st: &AppState, p: &Principal, id: i64, f: &AddForm) -> AppResult<Vec<String>> {
    let m = meeting(st, p, id).await?;
    let mut e = FieldErrors::new();
    let Some(n) = count(&mut e, &f.count) else { return Err(into_error(e)) };
    if !m.is_open() {
        return Err(AppError::Conflict("测评会议已结束，不能再生成测评码".into()));
    }
    if m.codes as usize + n > CODES_MAX * 2 {
        return Err(AppError::field("count", format!("一次会议的测评码合计不能超过 {}", CODES_MAX * 2)));
    }
    let codes = new_codes(n);
    let mut tx = st.db.begin().await?;
    store::codes_add(&mut tx, &p.actor(), id, &codes).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Ends a meeting: its codes no longer vote; its ballots are written again in random order.
pub async fn close(st: &AppState, p: &Principal, id: i64) -> AppResult<Meeting> {
    let m = meeting(st, p, id).await?;
    if !m.is_open() {
        return Err(AppError::Conflict("测评会议已经结束".into()));
    }
    let mut tx = st.db.begin().await?;
    store::meeting_close(&mut tx, &p.actor(), id, shuffled).await?;
    tx.commit().await?;
    Ok(store::meeting(&st.db, id).await?)
}

/// The rows in random order, each with a new random key.
fn shuffled(mut rows: Vec<(String, String, Option<String>)>) -> Vec<(String, String, Option<String>)> {
    for i in (1..rows.len()).rev() {
        let mut b = [0u8; 8];
        rand::fill(&mut b[..]);
        let j = (u64::from_le_bytes(b) % (i as u64 + 1)) as usize;
        rows.swap(i, j);
    }
    rows.into_iter().map(|(_, a, c)| (ballot_id(), a, c)).collect()
}

/// A random ballot key (128 bits, hex).
pub fn ballot_id() -> String {
    let mut b = [0u8; 16];
    rand::fill(&mut b[..]);
    hex::encode(b)
}

/// The meeting's unused codes (the organiser's page lists them, to read out or type in when
/// printing fails).
pub async fn unused_codes(st: &AppState, p: &Principal, id: i64) -> AppResult<Vec<String>> {
    meeting(st, p, id).await?;
    Ok(store::codes(&st.db, id).await?.into_iter().filter(|(_, used)| !used).map(|(c, _)| c).collect())
}

/// The printable sheet of a meeting's unused codes: a DOCX of QR codes, each the URL of the
/// voting page (`base`: the address the organiser reached the system by).
pub async fn sheet(st: &AppState, p: &Principal, id: i64, base: &str) -> AppResult<(String, Vec<u8>)> {
    let m = meeting(st, p, id).await?;
    let c = campaigns::get_in_scope(&st.db, &p.require(Permission::ManageInspection)?, m.campaign_id).await?;
    let codes = store::codes(&st.db, id).await?;
    let entries: Vec<lianzheng_docs::qrsheet::Entry> =
        codes.into_iter().filter(|(_, used)| !used).map(|(code, _)| lianzheng_docs::qrsheet::Entry { url: format!("{}/ballot/{code}", base.trim_end_matches('/')), code }).collect();
    let title = format!("{} 廉政测评码（{}，{}）", c.title, m.unit_name, m.held_on);
    let note = "每人一码：用手机扫描二维码，或打开网址输入二维码下方的测评码。匿名测评，每个测评码只能使用一次。";
    let bytes = lianzheng_docs::qrsheet::to_docx(&title, note, &entries).map_err(|e| AppError::Internal(e.to_string()))?;
    p.log_read(st, "inspection_ballot.sheet_print", "inspection_ballot_meeting", Some(id.to_string()), serde_json::json!({"codes": entries.len()})).await?;
    Ok((format!("廉政测评码-{}-{}.docx", m.unit_name, m.held_on), bytes))
}

// ------------------------------------------------------------------ the public voting page

/// What a code opens: the campaign, the unit, the day and the form.
#[derive(Debug, Clone, Serialize)]
pub struct BallotView {
    pub campaign_title: String,
    pub unit_name: String,
    pub held_on: String,
    pub items: Vec<Item>,
}

/// Why a code does not open a form, as the voter reads it.
pub fn refusal_message(r: Refusal) -> &'static str {
    match r {
        Refusal::Unknown => "测评码无效，请核对纸条上的二维码或测评码",
        Refusal::Used => "该测评码已经使用过，每个测评码只能投一次票。如您尚未投票，请向会议工作人员说明",
        Refusal::Closed => "本次测评会议已结束，测评码不再接受投票",
    }
}

/// Rate limit of the public page, per client address.
pub fn allow(st: &AppState, ip: Option<&str>) -> AppResult<()> {
    if st.limiter.check(&format!("ballot:{}", ip.unwrap_or("-")), st.policy.ballot_rate_per_minute) { Ok(()) } else { Err(AppError::TooManyRequests) }
}

fn well_formed(code: &str) -> bool {
    code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))
}

/// The form a code opens, or why not.
pub async fn open_ballot(st: &AppState, code: &str) -> AppResult<Result<BallotView, Refusal>> {
    let code = code.trim().to_ascii_uppercase();
    if !well_formed(&code) {
        return Ok(Err(Refusal::Unknown));
    }
    let Some(info) = store::code_info(&st.db, &code).await? else { return Ok(Err(Refusal::Unknown)) };
    if info.used {
        return Ok(Err(Refusal::Used));
    }
    if info.status != "open" {
        return Ok(Err(Refusal::Closed));
    }
    let items = store::items(&st.db, info.campaign_id).await?;
    let _ = info.meeting_id;
    Ok(Ok(BallotView { campaign_title: info.campaign_title, unit_name: info.unit_name, held_on: info.held_on, items }))
}

/// A ballot as sent: `a{item id}` = A/B/C (or 满意/基本满意/不满意), a comment.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct VoteInput {
    #[serde(default)]
    pub answers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub comment: String,
}

/// Casts a ballot with a code. Err(Invalid) with a message per unanswered item; Ok(Err(r))
/// when the code is refused.
pub async fn vote(st: &AppState, code: &str, v: &VoteInput) -> AppResult<Result<(), Refusal>> {
    let code = code.trim().to_ascii_uppercase();
    if !well_formed(&code) {
        return Ok(Err(Refusal::Unknown));
    }
    let Some(info) = store::code_info(&st.db, &code).await? else { return Ok(Err(Refusal::Unknown)) };
    let items = store::items(&st.db, info.campaign_id).await?;
    let mut e = FieldErrors::new();
    let mut answers = String::new();
    for it in &items {
        let given = v.answers.get(&format!("a{}", it.id)).or_else(|| v.answers.get(&it.id.to_string())).map(|s| s.trim()).unwrap_or("");
        match ANSWERS.iter().find(|(c, l)| given == c.to_string() || given == *l) {
            Some((c, _)) => answers.push(*c),
            None => {
                e.insert(format!("a{}", it.id), format!("请对“{}”作出评价", it.text));
            }
        }
    }
    let comment = v.comment.trim();
    if comment.chars().count() > COMMENT_MAX {
        e.insert("comment".into(), format!("意见建议不能超过 {COMMENT_MAX} 个字"));
    }
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let comment = (!comment.is_empty()).then_some(comment);
    Ok(store::cast(&st.db, &code, &ballot_id(), &answers, comment).await?)
}
