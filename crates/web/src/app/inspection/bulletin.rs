//! The 通报 (issue 10, item 7 ★): drafted from the campaign's own records in the sections seed
//! 001's 通报 has — the opening (who checked how many units, how), 总体情况 with the figures,
//! 亮点 with the units named, 存在的主要问题 grouped by category with the units named under each,
//! 整改落实意见 — then edited by the organiser and issued as a GB/T 9704 公文 with its 文号.
//! Every figure comes from the records (units, groups, talks, ballots, findings); nothing is
//! typed twice. Once issued, everyone who sees the campaign reads it.

use lianzheng_core::duty::{format_date, parse_date, written_date};
use lianzheng_core::org::Permission;
use lianzheng_docs::gbt9704::{Block, OfficialDocument, to_docx};
use lianzheng_store::findings::{self as store, Bulletin, BulletinText};
use lianzheng_store::inspection::setup;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Issued like the notice: version, 文号, date.
pub use super::campaigns::IssueForm;
use super::campaigns::{self, Campaign};
use super::findings::{Finding, Highlight, group_by_category};
use crate::app::calendar;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::forms::{FieldErrors, into_error, lenient, text, version, version_of};
use crate::state::AppState;

const TITLE_MAX: usize = 200;
const SECTION_MAX: usize = 50_000;
const DOC_NUMBER_MAX: usize = 60;

/// What the draft says, counted from the records.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub org_name: String,
    pub year: i64,
    pub units: usize,
    pub spot_checked: usize,
    pub groups: usize,
    /// first and last visit day, if any were set
    pub visits: Option<(String, String)>,
    pub talks: i64,
    pub ballot_meetings: usize,
    pub ballots: i64,
    /// (满意 + 基本满意) ÷ answers, percent
    pub satisfaction: Option<f64>,
    pub findings: Vec<Finding>,
    pub highlights: Vec<Highlight>,
    /// the latest rectification deadline among the findings
    pub deadline: Option<String>,
    /// Once the scores are approved: each grade given, best first, with its units.
    pub grades: Vec<(&'static str, Vec<String>)>,
}

/// How many units a grade's sentence names before "等N个单位".
const GRADE_NAMES_SHOWN: usize = 5;

/// "（一）" … "（二十）": the 2nd-level numbering the clerk sees in the text and GB/T 9704 prints.
fn ordinal(i: usize) -> String {
    lianzheng_docs::numerals::heading_prefix(2, i as u32)
}

/// The draft (pure, so its wording is tested without a server).
pub fn compose(c: &Campaign, f: &Facts) -> Draft {
    let title = format!("关于{}年度党风廉政建设责任制检查考核情况的通报", f.year);
    let when = f.visits.as_ref().map_or_else(String::new, |(a, b)| if a == b { format!("{}，", written_date(a)) } else { format!("{}至{}，", written_date(a), written_date(b)) });
    let intro = format!(
        "为督促各单位认真贯彻落实党风廉政建设责任制，履行好“两个责任”，{when}{}组成{}个检查组，通过听取汇报、个别谈话、廉政测评和查阅资料等方式，对{}个单位{}年度党风廉政建设责任制落实情况进行了检查考核，其中实地抽查{}个单位。现将检查考核情况通报如下：",
        f.org_name, f.groups, f.units, f.year, f.spot_checked
    );
    let mut overview = String::from("从检查情况看，各单位党组织能够认真落实全面从严治党主体责任，把党风廉政建设和反腐败工作与业务工作同部署、同落实、同检查、同考核，责任制落实总体较好。");
    let mut figures = Vec::new();
    if f.talks > 0 {
        figures.push(format!("检查组开展个别谈话{}人次", f.talks));
    }
    if f.ballots > 0 {
        let rate = f.satisfaction.map_or_else(String::new, |r| format!("，综合满意率{r:.1}%"));
        figures.push(format!("组织廉政测评{}场、收回有效测评票{}张{rate}", f.ballot_meetings, f.ballots));
    }
    let units_with: usize = {
        let mut ids: Vec<i64> = f.findings.iter().filter_map(|x| x.inspection_unit_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    figures.push(if f.findings.is_empty() { "检查中未发现需要通报的问题".to_string() } else { format!("检查共发现问题{}个，涉及{}个单位", f.findings.len(), units_with) });
    overview.push_str(&format!("此次检查考核，{}。", figures.join("；")));
    if !f.grades.is_empty() {
        let each: Vec<String> = f
            .grades
            .iter()
            .map(|(g, names)| {
                let shown = names.iter().take(GRADE_NAMES_SHOWN).cloned().collect::<Vec<_>>().join("、");
                if names.len() > 1 { format!("{shown}等{}个单位为“{g}”等次", names.len()) } else { format!("{shown}为“{g}”等次") }
            })
            .collect();
        overview.push_str(&format!("经综合评定，{}。", each.join("；")));
    }
    let highlights = if f.highlights.is_empty() {
        "（检查组未登记亮点，请在此补充各单位的特色做法。）".to_string()
    } else {
        let mut by_unit: Vec<(String, Vec<String>)> = Vec::new();
        for h in &f.highlights {
            let t = h.text.trim().trim_end_matches(['。', '；', ';']).to_string();
            match by_unit.iter_mut().find(|(n, _)| *n == h.org_name) {
                Some((_, v)) => v.push(t),
                None => by_unit.push((h.org_name.clone(), vec![t])),
            }
        }
        by_unit.iter().map(|(n, v)| format!("{n}{}。", v.join("；"))).collect::<Vec<_>>().join("\n")
    };
    let problems = if f.findings.is_empty() {
        "（本次检查未登记问题。）".to_string()
    } else {
        let mut out = Vec::new();
        for (i, (cat, n, names)) in group_by_category(&f.findings).into_iter().enumerate() {
            let count = names.split('、').count();
            out.push(format!("{}{cat}。", ordinal(i + 1)));
            let mut lines = vec![format!("检查发现此类问题{n}个，涉及{names}{}。", if count > 1 { format!("等{count}个单位") } else { String::new() })];
            for x in f.findings.iter().filter(|x| x.category == cat) {
                lines.push(format!("{}：{}", x.org_name, x.description.trim().trim_end_matches(['。', '；']).to_string() + "。"));
            }
            out.push(lines.join(""));
        }
        out.join("\n")
    };
    let by = f.deadline.as_deref().map_or_else(|| "限期".to_string(), |d| format!("于{}前", written_date(d)));
    let requirements = format!(
        "一要切实履行主体责任。各单位党组织书记要认真履行“第一责任人”职责，督促班子成员按责任清单履行“一岗双责”。\n\
         二要逐项抓好问题整改。对本通报指出的问题，各单位要建立问题清单和整改台账，明确责任人和整改时限，{by}完成整改，并将整改情况书面报送{}。\n\
         三要强化结果运用。检查考核结果作为领导班子和领导干部年度考核、评先评优的重要依据；对整改不力的，依规依纪严肃问责。",
        c.org_name
    );
    Draft { title, intro, overview, highlights, problems, requirements }
}

/// A drafted 通报, section by section.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub intro: String,
    pub overview: String,
    pub highlights: String,
    pub problems: String,
    pub requirements: String,
}

impl Draft {
    fn borrowed(&self) -> BulletinText<'_> {
        BulletinText { title: &self.title, intro: &self.intro, overview: &self.overview, highlights: &self.highlights, problems: &self.problems, requirements: &self.requirements }
    }
}

/// What the 通报 page shows.
#[derive(Debug, Clone, Serialize)]
pub struct BulletinView {
    pub campaign: Campaign,
    pub bulletin: Option<Bulletin>,
    /// the organiser: drafts, edits and issues
    pub organiser: bool,
    pub suggested_number: String,
}

/// The 通报 of a campaign: the organiser sees the draft; everybody with a part, once issued.
pub async fn get(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<BulletinView> {
    let (c, a, _) = campaigns::access(st, p, campaign_id).await?;
    let b = store::bulletin(&st.db, c.id).await?;
    let organiser = a.organiser();
    let bulletin = b.filter(|b| organiser || b.status == "issued");
    let suggested_number = suggested_number(&c);
    Ok(BulletinView { campaign: c, bulletin, organiser, suggested_number })
}

/// "X纪通〔2026〕1号" for the 通报 (the notice is 纪发).
fn suggested_number(c: &Campaign) -> String {
    campaigns::suggested_number(c).replace("纪发", "纪通")
}

async fn organised(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<BulletinView> {
    p.require(Permission::ManageInspection)?;
    let v = get(st, p, campaign_id).await?;
    if !v.organiser {
        return Err(AppError::Forbidden);
    }
    if v.campaign.status == "draft" {
        return Err(AppError::Conflict("通知尚未印发，不能起草通报".into()));
    }
    Ok(v)
}

/// Counts the facts from the records.
pub async fn facts(st: &AppState, p: &Principal, c: &Campaign) -> AppResult<Facts> {
    let units = setup::units(&st.db, c.id).await?;
    let groups = setup::groups(&st.db, c.id).await?;
    let mut days: Vec<&String> = units.iter().filter_map(|u| u.visit_on.as_ref()).collect();
    days.sort();
    let visits = match (days.first(), days.last()) {
        (Some(a), Some(b)) => Some(((*a).clone(), (*b).clone())),
        _ => None,
    };
    let talks = lianzheng_store::inspection::talks::count_of_campaign(&st.db, c.id).await?;
    let o = super::ballots::overview(st, p, c.id).await?;
    let ballots: i64 = o.results.iter().map(|r| r.ballots).sum();
    let (good, all) = o.results.iter().fold((0i64, 0i64), |(g, a), r| (g + r.overall.satisfied + r.overall.basically, a + r.overall.satisfied + r.overall.basically + r.overall.dissatisfied));
    let satisfaction = (all > 0).then(|| (good as f64 * 1000.0 / all as f64).round() / 10.0);
    let findings = store::of_campaign(&st.db, c.id).await?;
    let deadline = findings.iter().filter_map(|f| f.deadline.clone()).max();
    let highlights = store::highlights(&st.db, c.id).await?;
    // the grades only once approved: before that they may still change
    let results = super::scores::results(st, p, c.id).await?;
    let grades = if results.approved {
        super::scores::GRADES.iter().map(|g| (*g, results.rows.iter().filter(|r| r.grade == Some(*g)).map(|r| r.org_name.clone()).collect::<Vec<_>>())).filter(|(_, names)| !names.is_empty()).collect()
    } else {
        vec![]
    };
    Ok(Facts {
        org_name: c.org_name.clone(),
        year: c.year,
        units: units.len(),
        spot_checked: units.iter().filter(|u| u.spot_checked).count(),
        groups: groups.len(),
        visits,
        talks,
        ballot_meetings: o.meetings.len(),
        ballots,
        satisfaction,
        findings,
        highlights,
        deadline,
        grades,
    })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DraftForm {
    /// Blank for the first draft; the current version to draft it again over the edits.
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Drafts (or drafts again, over the edits) the 通报 from the records.
pub async fn draft(st: &AppState, p: &Principal, campaign_id: i64, f: &DraftForm) -> AppResult<Bulletin> {
    let v = organised(st, p, campaign_id).await?;
    let version = match (&v.bulletin, f.version.trim()) {
        (Some(b), _) if b.status == "issued" => return Err(AppError::Conflict("通报已印发，不能重新起草".into())),
        (Some(_), s) => Some(version_of(s)?),
        (None, _) => None,
    };
    let facts = facts(st, p, &v.campaign).await?;
    let t = compose(&v.campaign, &facts);
    let mut tx = st.db.begin().await?;
    store::save_bulletin(&mut tx, &p.actor(), campaign_id, version, &t.borrowed(), Some(p.user.id.get())).await?;
    tx.commit().await?;
    store::bulletin(&st.db, campaign_id).await?.ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EditForm {
    #[serde(deserialize_with = "lenient")]
    pub version: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub intro: String,
    #[serde(deserialize_with = "lenient")]
    pub overview: String,
    #[serde(deserialize_with = "lenient")]
    pub highlights: String,
    #[serde(deserialize_with = "lenient")]
    pub problems: String,
    #[serde(deserialize_with = "lenient")]
    pub requirements: String,
}

impl EditForm {
    pub fn of(b: &Bulletin) -> EditForm {
        EditForm {
            version: b.version.to_string(),
            title: b.title.clone(),
            intro: b.intro.clone(),
            overview: b.overview.clone(),
            highlights: b.highlights.clone(),
            problems: b.problems.clone(),
            requirements: b.requirements.clone(),
        }
    }
}

/// Saves the organiser's edits of the draft.
pub async fn save(st: &AppState, p: &Principal, campaign_id: i64, f: &EditForm) -> AppResult<Bulletin> {
    let v = organised(st, p, campaign_id).await?;
    let Some(b) = v.bulletin else {
        return Err(AppError::Conflict("请先生成通报初稿".into()));
    };
    if b.status == "issued" {
        return Err(AppError::Conflict("通报已印发，不能再修改".into()));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let title = text(&mut e, "title", "标题", &f.title, TITLE_MAX, true).unwrap_or_default();
    let intro = text(&mut e, "intro", "开头", &f.intro, SECTION_MAX, true).unwrap_or_default();
    let overview = text(&mut e, "overview", "总体情况", &f.overview, SECTION_MAX, true).unwrap_or_default();
    let highlights = text(&mut e, "highlights", "亮点", &f.highlights, SECTION_MAX, false).unwrap_or_default();
    let problems = text(&mut e, "problems", "存在的主要问题", &f.problems, SECTION_MAX, false).unwrap_or_default();
    let requirements = text(&mut e, "requirements", "整改落实意见", &f.requirements, SECTION_MAX, true).unwrap_or_default();
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let t = BulletinText { title: &title, intro: &intro, overview: &overview, highlights: &highlights, problems: &problems, requirements: &requirements };
    let mut tx = st.db.begin().await?;
    store::save_bulletin(&mut tx, &p.actor(), campaign_id, Some(version), &t, None).await?;
    tx.commit().await?;
    store::bulletin(&st.db, campaign_id).await?.ok_or(AppError::NotFound)
}

/// Issues the 通报 with its 文号: from then every unit of the campaign reads it.
pub async fn issue(st: &AppState, p: &Principal, campaign_id: i64, f: &IssueForm) -> AppResult<Bulletin> {
    let v = organised(st, p, campaign_id).await?;
    let Some(b) = v.bulletin else {
        return Err(AppError::Conflict("请先生成通报初稿".into()));
    };
    if b.status == "issued" {
        return Err(AppError::Conflict("通报已印发".into()));
    }
    let mut e = FieldErrors::new();
    let version = version(&mut e, &f.version);
    let doc_number = text(&mut e, "doc_number", "文号", &f.doc_number, DOC_NUMBER_MAX, true).unwrap_or_default();
    let issued_on = crate::app::conduct::past_date(&mut e, "issued_on", "印发日期", &f.issued_on);
    if !e.is_empty() {
        return Err(into_error(e));
    }
    let mut tx = st.db.begin().await?;
    store::issue_bulletin(&mut tx, &p.actor(), campaign_id, version, &doc_number, &issued_on).await?;
    tx.commit().await?;
    store::bulletin(&st.db, campaign_id).await?.ok_or(AppError::NotFound)
}

/// A section's lines as blocks: a line opening with "（一）" … is a 2nd-level heading (GB/T
/// 9704 numbers it itself, so the ordinal is taken off), any other line a paragraph.
fn blocks(section: &str) -> Vec<Block> {
    section
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.strip_prefix('（').and_then(|r| r.split_once('）')) {
            Some((n, rest)) if !n.is_empty() && n.chars().all(|ch| "一二三四五六七八九十".contains(ch)) && rest.chars().count() <= 60 => Block::Heading(2, rest.trim_end_matches('。').to_string()),
            _ => Block::Paragraph(l.to_string()),
        })
        .collect()
}

/// The 通报 as a GB/T 9704 公文 (pure).
pub fn official(c: &Campaign, b: &Bulletin) -> OfficialDocument {
    let mut body = blocks(&b.intro);
    body.push(Block::Heading(1, "总体情况".into()));
    body.extend(blocks(&b.overview));
    if !b.highlights.trim().is_empty() {
        body.push(Block::Heading(1, "工作亮点".into()));
        body.extend(blocks(&b.highlights));
    }
    if !b.problems.trim().is_empty() {
        body.push(Block::Heading(1, "存在的主要问题".into()));
        body.extend(blocks(&b.problems));
    }
    body.push(Block::Heading(1, "整改落实意见".into()));
    body.extend(blocks(&b.requirements));
    let d = b.issued_on.as_deref().and_then(parse_date).unwrap_or_else(calendar::today);
    OfficialDocument {
        issuer: format!("{}文件", c.org_name),
        doc_number: b.doc_number.clone(),
        title: b.title.clone(),
        addressee: Some("各受检单位党组织".to_string()),
        body,
        attachments: vec![],
        signature: Some(c.org_name.clone()),
        date: (d.year(), u32::from(u8::from(d.month())), u32::from(d.day())),
        cc: vec![],
        printer: None,
        letter: false,
    }
}

/// The 通报 as DOCX: (file name, bytes). The organiser reads the draft too (a preview).
pub async fn document(st: &AppState, p: &Principal, campaign_id: i64) -> AppResult<(String, Vec<u8>)> {
    let v = get(st, p, campaign_id).await?;
    let b = v.bulletin.ok_or(AppError::NotFound)?;
    let bytes = to_docx(&official(&v.campaign, &b)).map_err(|e| AppError::Internal(format!("生成公文：{e}")))?;
    p.log_read(st, "inspection_bulletin.document", "inspection_campaign", Some(campaign_id.to_string()), json!({"doc_number": b.doc_number})).await?;
    let number = b.doc_number.clone().unwrap_or_else(|| "草稿".into());
    Ok((format!("{}（{number}）.docx", b.title), bytes))
}

/// Today, for the issue form's default.
pub fn today() -> String {
    format_date(calendar::today())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign() -> Campaign {
        Campaign {
            id: 1,
            year: 2026,
            title: "2026年度检查考核".into(),
            org_id: 1,
            org_path: "/1/".into(),
            org_name: "中共某某县纪律检查委员会".into(),
            status: "open".into(),
            doc_number: None,
            notice: None,
            issued_on: None,
            spot_rule: None,
            spot_seed: None,
            created_at: 0,
            updated_at: 0,
            version: 1,
            materials: None,
            scope_root_id: None,
            scope_kinds: None,
        }
    }

    fn finding(unit: i64, org: &str, category: &str, text: &str) -> Finding {
        Finding {
            id: unit * 10,
            org_id: lianzheng_core::ids::OrgId::new(unit),
            org_path: format!("/1/{unit}/"),
            org_name: org.into(),
            raised_by_org_id: lianzheng_core::ids::OrgId::new(1),
            source: "inspection".into(),
            campaign_id: Some(1),
            inspection_unit_id: Some(unit),
            source_ref: None,
            category: category.into(),
            description: text.into(),
            evidence: None,
            deadline: Some("2027-01-20".into()),
            status: "open".into(),
            notified_on: None,
            created_at: 0,
            updated_at: 0,
            version: 1,
        }
    }

    #[test]
    fn the_draft_counts_and_groups_by_category_naming_the_units() {
        let facts = Facts {
            org_name: "县纪委".into(),
            year: 2026,
            units: 32,
            spot_checked: 6,
            groups: 2,
            visits: Some(("2026-12-01".into(), "2026-12-09".into())),
            talks: 14,
            ballot_meetings: 1,
            ballots: 26,
            satisfaction: Some(96.2),
            findings: vec![finding(3, "组织部", "廉政约谈不规范", "约谈记录无签名。"), finding(8, "教育局", "廉政约谈不规范", "集中约谈多于个别约谈"), finding(3, "组织部", "责任书签订不规范", "照抄上年")],
            highlights: vec![],
            deadline: Some("2027-01-20".into()),
            grades: vec![],
        };
        let d = compose(&campaign(), &facts);
        assert!(!d.overview.contains("综合评定"), "no grades before the scores are approved: {}", d.overview);
        assert!(d.intro.contains("2026年12月1日至2026年12月9日，县纪委组成2个检查组") && d.intro.contains("对32个单位") && d.intro.contains("实地抽查6个单位"), "{}", d.intro);
        assert!(d.overview.contains("个别谈话14人次") && d.overview.contains("测评1场、收回有效测评票26张，综合满意率96.2%") && d.overview.contains("发现问题3个，涉及2个单位"), "{}", d.overview);
        let lines: Vec<&str> = d.problems.lines().collect();
        assert_eq!(lines[0], "（一）责任书签订不规范。", "categories in the standard order");
        assert_eq!(lines[2], "（二）廉政约谈不规范。");
        assert!(lines[3].starts_with("检查发现此类问题2个，涉及组织部、教育局等2个单位。组织部：约谈记录无签名。教育局：集中约谈多于个别约谈。"), "{}", lines[3]);
        assert!(d.requirements.contains("于2027年1月20日前完成整改"), "{}", d.requirements);

        // approved: each grade with its units, many named as "…等N个单位"
        let many: Vec<String> = (1..=7).map(|i| format!("单位{i}")).collect();
        let graded = Facts { grades: vec![("好", many), ("一般", vec!["教育局".into()])], ..facts };
        let d = compose(&campaign(), &graded);
        assert!(d.overview.contains("经综合评定，单位1、单位2、单位3、单位4、单位5等7个单位为“好”等次；教育局为“一般”等次。"), "{}", d.overview);
    }

    #[test]
    fn a_numbered_line_becomes_a_second_level_heading() {
        let b = blocks("（一）廉政约谈不规范。\n检查发现……\n（注）不是标题");
        assert_eq!(b[0], Block::Heading(2, "廉政约谈不规范".into()));
        assert_eq!(b[1], Block::Paragraph("检查发现……".into()));
        assert_eq!(b[2], Block::Paragraph("（注）不是标题".into()));
    }
}
