//! 廉政约谈 compliance flags (seed 001's faults), computed from the records whenever they are
//! read and never stored or typed. Each flag says why, and links to the talk, the person's
//! talks or the unit's talks. The rules, for one year:
//!
//! 1. 未确认 — an interviewee has not confirmed the record (in the system or by a signed scan)
//!    more than N days after the talk (setting `talk_confirm_days`, default
//!    [`CONFIRM_DAYS_DEFAULT`]). One flag per interviewee.
//! 2. 集体多于个别 — a unit's collective talks (the talks it holds: a talk belongs to the
//!    talker's unit) outnumber its individual ones.
//! 3. 无个别约谈 — a 班子成员 (post 班子成员 or 副书记, current) held no individual talk this year
//!    with anybody in his 分管 area. The 分管 area, from the data there is: the people of his
//!    unit and of the units below it who hold no leadership post (书记, 副书记, 班子成员, 纪委书记)
//!    in his unit. (`duty_areas` names lines of work, not people, so it is shown as context.)
//!    A member whose area holds nobody is not flagged.
//! 4. 无廉政要求 — a talk whose content tags lack 廉政要求 (only work demands).
//! 5. 缺任前谈话 — a leader whose leadership post started this year (posts.start_date, on or
//!    before today) is the interviewee of no 任前 talk from [`PRE_TALK_WINDOW_DAYS`] days before
//!    to as many days after the start.

use std::collections::BTreeMap;

use lianzheng_core::duty::parse_date;
use lianzheng_core::ids::{OrgId, PersonId, TalkId};
use lianzheng_store::conduct::talks::FlagData;
use serde::Serialize;

use super::talks::label;

/// Days an interviewee has to confirm a record before it is flagged, unless set otherwise.
pub const CONFIRM_DAYS_DEFAULT: i64 = 5;
/// A 任前 talk counts for a new post when held up to this many days before or after its start
/// (the talk is due before the post is taken up; one recorded within a month after still
/// counts, since the record is often filed late).
pub const PRE_TALK_WINDOW_DAYS: i64 = 30;

/// The kinds of flag: (code, label, tag colour).
pub const KINDS: &[(&str, &str, &str)] = &[
    ("unconfirmed", "未确认", "tag-red"),
    ("collective", "集体多于个别", "tag-yellow"),
    ("no_individual", "无个别约谈", "tag-red"),
    ("no_integrity", "无廉政要求", "tag-yellow"),
    ("no_pre_talk", "缺任前谈话", "tag-red"),
];

/// The rules in people's words (shown on the flag page).
pub const RULES: &[(&str, &str)] = &[
    ("未确认", "约谈后超过设定天数，被约谈人仍未在系统内确认，也未上传签字扫描件"),
    ("集体多于个别", "单位本年度的集体约谈次数多于个别约谈次数（约谈计入约谈人所在单位）"),
    ("无个别约谈", "班子成员本年度未与分管范围内的人员进行个别约谈；分管范围指本单位及下级单位中不属于本单位领导班子的人员"),
    ("无廉政要求", "约谈内容未包含廉政要求，只有工作要求或问题提醒"),
    ("缺任前谈话", "本年度新任领导职务的人员，在任职前后 30 天内没有作为被约谈人的任前谈话记录"),
];

#[derive(Debug, Clone, Serialize)]
pub struct TalkFlag {
    pub kind: &'static str,
    pub kind_label: &'static str,
    #[serde(skip)]
    pub tag: &'static str,
    pub org_id: OrgId,
    pub org_name: String,
    pub talk_id: Option<TalkId>,
    pub person_id: Option<PersonId>,
    pub person_name: Option<String>,
    /// Why, in a sentence.
    pub reason: String,
    /// Where to see it.
    pub href: String,
}

fn flag(kind: &'static str, org_id: OrgId, org_name: &str, reason: String, href: String) -> TalkFlag {
    let (kind_label, tag) = KINDS.iter().find(|(c, _, _)| *c == kind).map(|(_, l, t)| (*l, *t)).unwrap_or(("", ""));
    TalkFlag { kind, kind_label, tag, org_id, org_name: org_name.to_string(), talk_id: None, person_id: None, person_name: None, reason, href }
}

/// Every flag of the year in the data, in rule order.
pub fn compute(d: &FlagData, year: i64, today: time::Date, confirm_days: i64) -> Vec<TalkFlag> {
    let mut out = Vec::new();
    // 1. 未确认
    for t in &d.talks {
        let Some(date) = parse_date(&t.talk_date) else { continue };
        let days = (today - date).whole_days();
        if days <= confirm_days {
            continue;
        }
        for i in t.interviewees.iter().filter(|i| !i.confirmed()) {
            let mut f = flag(
                "unconfirmed",
                t.org_id,
                &t.org_name,
                format!(
                    "{} {}与{}的{}谈话已过 {days} 天（应在 {confirm_days} 天内确认），被约谈人{}仍未确认约谈记录",
                    t.talk_date,
                    t.talker_name,
                    i.person_name,
                    label(super::talks::OCCASIONS, &t.occasion),
                    i.person_name
                ),
                format!("/conduct/talks/{}", t.id),
            );
            f.talk_id = Some(t.id);
            f.person_id = Some(i.person_id);
            f.person_name = Some(i.person_name.clone());
            out.push(f);
        }
    }
    // 2. 集体多于个别
    let mut per_unit: BTreeMap<(String, OrgId), (String, i64, i64)> = BTreeMap::new();
    for t in &d.talks {
        let e = per_unit.entry((t.org_path.clone(), t.org_id)).or_insert_with(|| (t.org_name.clone(), 0, 0));
        if t.kind == "collective" {
            e.1 += 1;
        } else {
            e.2 += 1;
        }
    }
    for ((_, org_id), (name, collective, individual)) in &per_unit {
        if collective > individual {
            out.push(flag("collective", *org_id, name, format!("{name}{year}年度集体约谈 {collective} 次，个别约谈 {individual} 次，集体约谈多于个别约谈"), format!("/conduct/talks?year={year}&org={org_id}")));
        }
    }
    // 3. 无个别约谈
    for m in d.team.iter().filter(|m| m.area_size > 0 && m.talks == 0) {
        let title = m.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or("班子成员");
        let areas = m.duty_areas.as_deref().filter(|a| !a.trim().is_empty()).map(|a| format!("，分管{a}")).unwrap_or_default();
        let mut f = flag(
            "no_individual",
            m.org_id,
            &m.org_name,
            format!("{}{}（{title}{areas}）{year}年度未与分管范围内的人员（{} 人）进行个别约谈", m.org_name, m.name, m.area_size),
            format!("/conduct/talks?year={year}&person={}", m.person_id),
        );
        f.person_id = Some(m.person_id);
        f.person_name = Some(m.name.clone());
        out.push(f);
    }
    // 4. 无廉政要求
    for t in d.talks.iter().filter(|t| !t.has_tag("integrity")) {
        let names: Vec<&str> = t.interviewees.iter().map(|i| i.person_name.as_str()).collect();
        let mut f = flag(
            "no_integrity",
            t.org_id,
            &t.org_name,
            format!("{} {}与{}的{}谈话未提出廉政要求（内容：{}）", t.talk_date, t.talker_name, names.join("、"), label(super::talks::OCCASIONS, &t.occasion), super::talks::tag_labels(&t.tags)),
            format!("/conduct/talks/{}", t.id),
        );
        f.talk_id = Some(t.id);
        out.push(f);
    }
    // 5. 缺任前谈话
    for l in &d.new_leaders {
        let Some(start) = parse_date(&l.start_date) else { continue };
        if start > today {
            continue;
        }
        let held = d.pre_talks.get(&l.person_id).is_some_and(|dates| dates.iter().filter_map(|s| parse_date(s)).any(|t| (t - start).whole_days().abs() <= PRE_TALK_WINDOW_DAYS));
        if held {
            continue;
        }
        let title = l.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(match l.kind.as_str() {
            "secretary" => "书记",
            "deputy_secretary" => "副书记",
            "discipline_secretary" => "纪委书记",
            _ => "班子成员",
        });
        let mut f = flag(
            "no_pre_talk",
            l.org_id,
            &l.org_name,
            format!("{}{}于 {} 任{title}，任职前后 {PRE_TALK_WINDOW_DAYS} 天内没有任前廉政谈话记录", l.org_name, l.name, l.start_date),
            format!("/conduct/talks?year={year}&person={}", l.person_id),
        );
        f.person_id = Some(l.person_id);
        f.person_name = Some(l.name.clone());
        out.push(f);
    }
    out
}
