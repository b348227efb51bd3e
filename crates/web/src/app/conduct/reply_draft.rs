//! The first draft of a 廉洁意见回复 for one person, from his integrity file: pure rules, no
//! database. Every sentence names the record it says something about (the file itself for
//! "nothing found"), so the issued document can be traced line by line. Sentences a person
//! later changes or adds keep their source and say who wrote them (`replies`).

use lianzheng_core::duty::written_date;
use serde::{Deserialize, Serialize};

use super::archive::{Bearing, FileEntry, PersonFile};

/// What the reply answers for: (code, label, the verb its opinions use).
pub const PURPOSES: &[(&str, &str, &str)] =
    &[("promotion", "提拔任用", "提拔使用"), ("award", "评优评先", "评优评先"), ("candidate", "推荐人选（代表、委员候选人等）", "推荐"), ("transfer", "交流任职", "交流任职"), ("other", "其他", "使用")];

/// The opinions a person may get, as (code, label), from the mildest.
pub const OPINIONS: &[(&str, &str)] = &[("no_objection", "无不同意见"), ("remark", "有需说明事项"), ("defer", "暂缓，待核实"), ("objection", "不宜")];

pub fn purpose_label(code: &str) -> &'static str {
    PURPOSES.iter().find(|p| p.0 == code).map_or("", |p| p.1)
}

fn verb(purpose: &str) -> &'static str {
    PURPOSES.iter().find(|p| p.0 == purpose).map_or("使用", |p| p.2)
}

pub fn opinion_label(code: &str) -> &'static str {
    OPINIONS.iter().find(|o| o.0 == code).map_or("", |o| o.1)
}

/// The record a sentence speaks of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The record's kind (audit entity name: talk, inquiry, sanction … or integrity_file).
    pub kind: String,
    pub id: i64,
    /// Its page.
    pub link: String,
    /// What it is, in a phrase ("约谈 2026-03-05 …").
    pub label: String,
}

/// One sentence of a person's paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub text: String,
    /// The record it comes from; None for a sentence a person added.
    pub source: Option<Source>,
    /// "系统起草" or the name of who wrote or last changed it.
    pub by: String,
}

pub const DRAFTED_BY: &str = "系统起草";

/// A person's drafted opinion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub opinion: &'static str,
    /// The short opinion of the document's table.
    pub conclusion: String,
    /// An open matter or a flag: a person decides before the reply is issued.
    pub needs_decision: bool,
    pub sentences: Vec<Sentence>,
}

fn source_of(e: &FileEntry) -> Source {
    Source { kind: e.source.kind.to_string(), id: e.source.id, link: e.link.clone(), label: format!("{} {}", e.date, e.title) }
}

/// A record's title inside a sentence (no full stop of its own).
fn title(e: &FileEntry) -> &str {
    e.title.trim().trim_end_matches(['。', '；', ';', '.'])
}

fn sentence(text: String, e: &FileEntry) -> Sentence {
    Sentence { text, source: Some(source_of(e)), by: DRAFTED_BY.into() }
}

/// The default table opinion of an opinion code for a purpose.
pub fn default_conclusion(opinion: &str, purpose: &str) -> String {
    let verb = verb(purpose);
    match opinion {
        "objection" => format!("处于处分（处理）影响期内，不宜{verb}"),
        "defer" => format!("有尚未了结的问题，建议暂缓{verb}"),
        "remark" => format!("有需说明事项，请结合实际研究{verb}"),
        _ => format!("未发现影响{verb}的党风廉政问题"),
    }
}

/// Drafts one person's opinion from his file: punishments within their influence period first,
/// then matters still open, breaches flagged, and what is of record; "nothing found" when the
/// file holds nothing of note.
pub fn draft(file: &PersonFile, purpose: &str) -> Draft {
    let name = &file.person.name;
    let verb = verb(purpose);
    let mut sentences = Vec::new();
    let (mut punished, mut open, mut flagged) = (Vec::new(), false, false);
    let notable: Vec<&FileEntry> = file.sections.iter().flat_map(|s| s.entries.iter()).collect();
    for e in notable.iter().filter(|e| matches!(e.bearing, Bearing::Punishment { .. })) {
        if let Bearing::Punishment { form, until } = &e.bearing {
            let until = match until {
                Some(d) => format!("影响期至{}，目前尚在影响期内", written_date(d)),
                None => "影响期长期有效".to_string(),
            };
            sentences.push(sentence(format!("{name}同志于{}受到{form}（{}），{until}。", written_date(&e.date), title(e)), e));
            punished.push(form.clone());
        }
    }
    for e in notable.iter().filter(|e| matches!(e.bearing, Bearing::OpenMatter { .. })) {
        if let Bearing::OpenMatter { what } = &e.bearing {
            sentences.push(sentence(format!("{name}同志：{}（{}），{}，需研究后回复。", title(e), written_date(&e.date), what.trim_end_matches('。')), e));
            open = true;
        }
    }
    for e in notable.iter().filter(|e| matches!(e.bearing, Bearing::Flag { .. })) {
        if let Bearing::Flag { reasons } = &e.bearing {
            sentences.push(sentence(format!("{name}同志于{}报告的{}存在以下情况：{}。", written_date(&e.date), title(e), reasons.join("；")), e));
            flagged = true;
        }
    }
    for e in notable.iter().filter(|e| matches!(e.bearing, Bearing::Note { .. })) {
        if let Bearing::Note { what } = &e.bearing {
            sentences.push(sentence(format!("{name}同志：{}（{}），{}。", title(e), written_date(&e.date), what.trim_end_matches('。')), e));
        }
    }
    let file_source = Source { kind: "integrity_file".into(), id: file.person.id.get(), link: format!("/conduct/archive/{}", file.person.id), label: format!("{name}的廉政档案（截至{}）", file.as_of) };
    let checked: Vec<&str> = file.sections.iter().map(|s| s.title).collect();
    if sentences.is_empty() {
        sentences.push(Sentence {
            text: format!("经查阅{name}同志廉政档案（截至{}，含{}），未发现其有违反党风廉政建设规定的问题。", written_date(&file.as_of), checked.join("、")),
            source: Some(file_source),
            by: DRAFTED_BY.into(),
        });
    } else {
        sentences.insert(0, Sentence { text: format!("经查阅{name}同志廉政档案（截至{}，含{}），有以下情况：", written_date(&file.as_of), checked.join("、")), source: Some(file_source), by: DRAFTED_BY.into() });
    }
    let (opinion, conclusion) = if !punished.is_empty() {
        ("objection", format!("处于{}影响期内，不宜{verb}", punished.join("、")))
    } else if open {
        ("defer", default_conclusion("defer", purpose))
    } else if flagged {
        ("remark", default_conclusion("remark", purpose))
    } else {
        ("no_objection", default_conclusion("no_objection", purpose))
    };
    Draft { opinion, conclusion, needs_decision: open || flagged, sentences }
}

#[cfg(test)]
mod tests {
    use super::super::archive::{Header, RecordRef, Section, Summary};
    use super::*;
    use lianzheng_core::ids::{OrgId, PersonId};

    fn entry(kind: &'static str, id: i64, title: &str, bearing: Bearing) -> FileEntry {
        FileEntry { date: "2026-03-05".into(), title: title.into(), detail: String::new(), link: format!("/x/{id}"), source: RecordRef { kind, id }, bearing }
    }

    fn file(entries: Vec<FileEntry>) -> PersonFile {
        PersonFile {
            person: Header { id: PersonId::new(7), name: "张三".into(), org_id: OrgId::new(1), org_name: "教育局".into(), org_path: String::new(), post: "副局长".into(), rank: String::new() },
            as_of: "2026-12-02".into(),
            sections: vec![Section { key: "talks", title: "约谈", entries, empty_note: "" }],
            summary: Summary::default(),
        }
    }

    #[test]
    fn a_clean_file_says_nothing_found_and_points_at_the_file() {
        let d = draft(&file(vec![entry("talk", 1, "节前廉政约谈", Bearing::Clean)]), "promotion");
        assert_eq!(d.opinion, "no_objection");
        assert!(!d.needs_decision);
        assert_eq!(d.sentences.len(), 1);
        assert!(d.sentences[0].text.contains("未发现其有违反党风廉政建设规定的问题"), "{}", d.sentences[0].text);
        assert_eq!(d.sentences[0].source.as_ref().map(|s| s.link.as_str()), Some("/conduct/archive/7"));
        assert_eq!(d.conclusion, "未发现影响提拔使用的党风廉政问题");
    }

    #[test]
    fn a_punishment_in_its_period_objects_and_each_sentence_names_its_record() {
        let d = draft(
            &file(vec![
                entry("sanction", 3, "违规收受礼品", Bearing::Punishment { form: "党纪处分·警告".into(), until: Some("2027-03-04".into()) }),
                entry("sanction", 4, "2019年通报批评", Bearing::Note { what: "影响期已满".into() }),
            ]),
            "award",
        );
        assert_eq!(d.opinion, "objection");
        assert_eq!(d.conclusion, "处于党纪处分·警告影响期内，不宜评优评先");
        assert!(!d.needs_decision);
        assert_eq!(d.sentences.len(), 3);
        assert!(d.sentences[1].text.contains("影响期至2027年3月4日"), "{}", d.sentences[1].text);
        assert_eq!(d.sentences[1].source.as_ref().map(|s| (s.kind.as_str(), s.id)), Some(("sanction", 3)));
        assert_eq!(d.sentences[2].source.as_ref().map(|s| s.id), Some(4));
    }

    #[test]
    fn an_open_matter_or_a_flag_waits_for_a_decision() {
        let open = draft(&file(vec![entry("inquiry", 5, "函询", Bearing::OpenMatter { what: "有1件函询".into() })]), "promotion");
        assert_eq!((open.opinion, open.needs_decision), ("defer", true));
        let flag = draft(&file(vec![entry("family_event", 6, "儿子结婚", Bearing::Flag { reasons: vec!["超过桌数".into()] })]), "promotion");
        assert_eq!((flag.opinion, flag.needs_decision), ("remark", true));
        assert!(flag.sentences[1].text.contains("超过桌数"));
    }
}
