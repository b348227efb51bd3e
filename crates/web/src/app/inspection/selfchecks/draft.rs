//! The first draft from records (★): the unit's own records of the campaign's year counted —
//! lists filed, tasks and their progress, letters signed, 纪实 records by kind, integrity talks,
//! 函询/提醒/诫勉 (counts only), education and exams, 抄告单 answered, ledger rows (hook) — each
//! figure kept as data (key, label, value, link to the records behind it) beside the text. The
//! text names a figure as `{{key}}`: the page shows it as a link, a regeneration updates it,
//! and nobody types the number.
//!
//! The counts read the unit's subtree whatever the caller's own permissions in those modules:
//! the use case has checked he writes this unit's report, and only counts leave here.

use lianzheng_core::duty::ListStatus;
use lianzheng_core::org::{Scope, SystemScope};
use lianzheng_store::conduct::{education, notices, records, talks};
use lianzheng_store::duty::{letters, lists};
use lianzheng_store::inspection::selfchecks as store;
use serde::{Deserialize, Serialize};

use super::super::campaigns::Unit;
use crate::app::calendar;
use crate::error::AppResult;
use crate::state::AppState;

/// One figure of the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub value: i64,
    /// 份, 次, 项, %, 人 …
    pub unit: String,
    /// The records behind it (a list page, filtered by unit and year where it can be).
    pub href: String,
}

/// A piece of a part's text: words, or a figure shown as a link.
#[derive(Debug, Clone, Serialize)]
pub struct Seg {
    pub text: String,
    pub figure: Option<Figure>,
}

/// Cuts a text at its `{{key}}` marks; an unknown key stays as typed.
pub fn segments(text: &str, figures: &[Figure]) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut words = String::new();
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else { break };
        let key = &after[..j];
        words.push_str(&rest[..i]);
        match figures.iter().find(|f| f.key == key) {
            Some(f) => {
                if !words.is_empty() {
                    out.push(Seg { text: std::mem::take(&mut words), figure: None });
                }
                out.push(Seg { text: f.value.to_string(), figure: Some(f.clone()) });
            }
            None => {
                words.push_str("{{");
                words.push_str(key);
                words.push_str("}}");
            }
        }
        rest = &after[j + 2..];
    }
    words.push_str(rest);
    if !words.is_empty() {
        out.push(Seg { text: words, figure: None });
    }
    out
}

fn fig(key: &str, label: &str, value: i64, unit: &str, href: String) -> Figure {
    Figure { key: key.into(), label: label.into(), value, unit: unit.into(), href }
}

/// The figures of the unit's records of `year`.
pub async fn figures(st: &AppState, u: &Unit, year: i64) -> AppResult<Vec<Figure>> {
    let path = u.org_path.as_str();
    let org = u.org_id.get();
    let scope = Scope::system(SystemScope::SelfCheck).within(path);
    let mut v = Vec::new();

    // 责任清单: the unit's lists of the year (its own and those below), and how many are filed
    let ls = lists::list(&st.db, &scope, &lists::ListFilter { year, ..lists::ListFilter::default() }).await?;
    let filed = ls.iter().filter(|l| l.status == ListStatus::Accepted).count() as i64;
    v.push(fig("lists_total", "责任清单", ls.len() as i64, "份", format!("/duty/lists?year={year}&org={org}")));
    v.push(fig("lists_filed", "已备案的责任清单", filed, "份", format!("/duty/lists?year={year}&org={org}&status=accepted")));

    // 任务分工: the tasks the unit leads or is responsible for in the year's plans
    let (tasks, done, progress) = store::task_counts(&st.db, path, year).await?;
    v.push(fig("tasks_total", "承担的任务分工事项", tasks, "项", format!("/duty/plans?year={year}")));
    v.push(fig("tasks_done", "已完成的任务", done, "项", format!("/duty/plans?year={year}")));
    v.push(fig("tasks_progress", "任务平均进度", progress, "%", format!("/duty/plans?year={year}")));

    // 责任书
    let ls = letters::list(&st.db, &scope, &letters::LetterFilter { year, status: None, flagged: false, sort: Default::default() }).await?;
    let signed = ls.iter().filter(|l| l.is_signed()).count() as i64;
    v.push(fig("letters_total", "责任书", ls.len() as i64, "份", format!("/duty/letters?year={year}&org={org}")));
    v.push(fig("letters_signed", "已签订的责任书", signed, "份", format!("/duty/letters?year={year}&org={org}&status=signed")));

    // 履责纪实, by kind (会议 with its 专题研究, 党课 …): the records module's own count
    let counts = records::count_by_kind(&st.db, &scope, &records::RecordFilter { year: Some(year), org_path: Some(path.to_string()), ..records::RecordFilter::default() }).await?;
    let sum = |pred: &dyn Fn(&str, Option<&str>) -> bool| counts.iter().filter(|(k, s, _, _)| pred(k, s.as_deref())).map(|c| c.3).sum::<i64>();
    let rec = |q: &str| format!("/conduct/records?year={year}&org={org}{q}");
    v.push(fig("records_total", "履责纪实", sum(&|_, _| true), "条", rec("")));
    v.push(fig("records_meeting", "会议", sum(&|k, _| k == "meeting"), "次", rec("&kind=meeting")));
    v.push(fig("records_study", "专题研究党风廉政建设的会议", sum(&|k, s| k == "meeting" && matches!(s, Some("standing_study" | "group_study"))), "次", rec("&kind=meeting")));
    v.push(fig("records_lecture", "党课", sum(&|k, _| k == "lecture"), "次", rec("&kind=lecture")));
    let late: i64 = records::count_by_org(&st.db, &scope, &records::RecordFilter { year: Some(year), org_path: Some(path.to_string()), late: true, ..records::RecordFilter::default() }).await?.iter().map(|r| r.2).sum();
    v.push(fig("records_late", "补录的纪实", late, "条", rec("&late=1")));

    // 廉政约谈, 集体 and 个别
    let ts = talks::list(&st.db, &scope, &talks::TalkFilter { year, org_path: Some(path.to_string()), ..talks::TalkFilter::default() }).await?;
    let collective = ts.iter().filter(|t| t.kind == "collective").count() as i64;
    let talk = |q: &str| format!("/conduct/talks?year={year}&org={org}{q}");
    v.push(fig("talks_total", "廉政约谈", ts.len() as i64, "次", talk("")));
    v.push(fig("talks_collective", "集体约谈", collective, "次", talk("&kind=collective")));
    v.push(fig("talks_individual", "个别约谈", ts.len() as i64 - collective, "次", talk("&kind=individual")));

    // 谈话函询, 提醒谈话, 诫勉谈话: counts only (need-to-know)
    let inq = store::inquiry_counts(&st.db, path, year).await?;
    for (kind, key, label) in [("letter", "inquiry_letter", "函询"), ("talk", "inquiry_talk", "谈话"), ("reminder", "inquiry_reminder", "提醒谈话"), ("admonition", "inquiry_admonition", "诫勉谈话")] {
        let n = inq.iter().filter(|(k, _)| k == kind).map(|c| c.1).sum();
        v.push(fig(key, label, n, "人次", format!("/conduct/inquiries?year={year}&kind={kind}")));
    }

    // 廉政教育 and 廉政考试
    let acts = education::list(&st.db, &scope, Some(year)).await?;
    v.push(fig("education_total", "廉政教育活动", acts.len() as i64, "次", format!("/conduct/education?year={year}&org={org}")));
    let (sat, passed) = store::exam_counts(&st.db, path, year).await?;
    v.push(fig("exam_takers", "参加廉政考试", sat, "人", "/conduct/exams".into()));
    v.push(fig("exam_passed", "考试合格", passed, "人", "/conduct/exams".into()));
    v.push(fig("exam_pass_rate", "考试合格率", if sat > 0 { passed * 100 / sat } else { 0 }, "%", "/conduct/exams".into()));

    // 抄告单 and 整改建议书: the notices module's own count
    let today = lianzheng_core::duty::format_date(calendar::today());
    let (total, _pending, _overdue, answered, closed) = notices::counts(&st.db, &notices::View::Scope(scope.clone()), year, &today).await?;
    v.push(fig("notices_total", "收到的抄告单、整改建议书", total, "份", format!("/conduct/notices?year={year}&org={org}")));
    v.push(fig("notices_answered", "已反馈整改", answered + closed, "份", format!("/conduct/notices?year={year}&org={org}")));

    v.extend(ledger_figures(st, u, year).await?);
    Ok(v)
}

/// 问题台账 rows of the unit (追责, not built yet): nothing until the ledger exists; then its
/// open and closed rows of the year, linked to the ledger filtered by unit.
pub async fn ledger_figures(_st: &AppState, _u: &Unit, _year: i64) -> AppResult<Vec<Figure>> {
    Ok(vec![])
}

fn value(figs: &[Figure], key: &str) -> i64 {
    figs.iter().find(|f| f.key == key).map_or(0, |f| f.value)
}

/// The four parts' first text, worded as the field words its 自查报告 (seeds 001, 004), each
/// figure named by key; the problems part names what the figures show wanting.
pub fn texts(year: i64, unit: &str, figs: &[Figure]) -> [String; 4] {
    let duty = format!(
        "{year}年，{unit}党组织认真落实党风廉政建设主体责任，坚持把党风廉政建设与业务工作同部署、同落实、同检查、同考核。\n\
         一是明确责任清单。制定责任清单{{{{lists_total}}}}份，其中已报上级备案{{{{lists_filed}}}}份。\n\
         二是逐级签订责任书。签订党风廉政建设责任书{{{{letters_total}}}}份，已完成签订{{{{letters_signed}}}}份。\n\
         三是分解工作任务。承担年度党风廉政建设任务分工{{{{tasks_total}}}}项，已完成{{{{tasks_done}}}}项，平均进度{{{{tasks_progress}}}}%。"
    );
    let work = "（一）研究部署。召开会议{{records_meeting}}次，其中专题研究党风廉政建设{{records_study}}次；班子成员讲廉政党课{{records_lecture}}次；全年形成履责纪实{{records_total}}条。\n\
         （二）廉政约谈。开展廉政约谈{{talks_total}}次，其中集体约谈{{talks_collective}}次、个别约谈{{talks_individual}}次。\n\
         （三）运用监督执纪第一种形态。函询{{inquiry_letter}}人次，谈话{{inquiry_talk}}人次，提醒谈话{{inquiry_reminder}}人次，诫勉谈话{{inquiry_admonition}}人次。\n\
         （四）廉政教育。开展警示教育等廉政教育活动{{education_total}}次；组织廉政考试，参考{{exam_takers}}人，合格{{exam_passed}}人，合格率{{exam_pass_rate}}%。\n\
         （五）整改落实。收到抄告单、整改建议书{{notices_total}}份，已反馈整改{{notices_answered}}份。"
        .to_string();
    // what the records show wanting, in the seed's words; the unit adds its own
    let mut found = Vec::new();
    if value(figs, "lists_filed") < value(figs, "lists_total") {
        found.push("责任清单尚未全部报备，清单制定和报备工作还需抓紧".to_string());
    }
    if value(figs, "letters_signed") < value(figs, "letters_total") {
        found.push("部分责任书尚未签订，压力传导还不够到位".to_string());
    }
    if value(figs, "talks_collective") > value(figs, "talks_individual") {
        found.push("集体约谈多于个别约谈，约谈针对性有待增强".to_string());
    }
    if value(figs, "records_study") == 0 {
        found.push("未召开专题会议研究党风廉政建设工作".to_string());
    }
    if value(figs, "notices_answered") < value(figs, "notices_total") {
        found.push("抄告单反馈整改不够及时".to_string());
    }
    if value(figs, "tasks_done") < value(figs, "tasks_total") {
        found.push("部分任务分工推进较慢".to_string());
    }
    found.push("党员干部党规党纪意识还不够牢固，廉政教育的针对性和实效性有待提高".into());
    const ORD: [&str; 8] = ["一", "二", "三", "四", "五", "六", "七", "八"];
    let problems = format!("对照检查考核要求，本单位党风廉政建设工作还存在一些不足：\n{}", found.iter().take(ORD.len()).enumerate().map(|(i, s)| format!("{}是{}。", ORD[i], s)).collect::<Vec<_>>().join("\n"));
    let next_steps = "下一步，我们将严格按照上级党委、纪委的部署要求，时刻把党风廉政建设主体责任放在心上、扛在肩上、抓在手上。\n\
         一是针对自查发现的问题逐条制定整改措施，明确责任人和完成时限，确保整改到位。\n\
         二是加强日常监督，用好谈话函询、提醒谈话等方式，抓早抓小、防微杜渐。\n\
         三是深化廉政教育，做到随做随记、一事一记，履责纪实全程留痕。"
        .to_string();
    [duty, work, problems, next_steps]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_cut_at_its_figures_and_unknown_keys_stay() {
        let f = vec![fig("a", "A", 3, "份", "/x".into())];
        let s = segments("共{{a}}份，{{b}}未知{{", &f);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].text, "共");
        assert_eq!(s[1].text, "3");
        assert_eq!(s[1].figure.as_ref().map(|x| x.href.as_str()), Some("/x"));
        assert_eq!(s[2].text, "份，{{b}}未知{{");
        assert!(segments("", &f).is_empty());
    }
}
