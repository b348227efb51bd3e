//! Demo data for 履责 — 廉政教育 and 廉政考试: the county's question bank (30 questions over the
//! four types and the tags 党章, 廉洁自律准则, 纪律处分条例, 八项规定), a paper open this month for
//! 教育局 (whose 一般干部 赵晓燕, account gb_jyj, is to take it), one for 组织部, a sitting of each
//! by another person already scored, and one 教育局 education activity per quarter.

use lianzheng_core::ids::{OrgId, PersonId};
use lianzheng_core::org::{Scope, SystemScope};
use lianzheng_store::audit::Actor;
use lianzheng_store::conduct::{education, exams};
use lianzheng_store::{now, q};
use lianzheng_web::AppState;
use lianzheng_web::app::conduct::exams::{draw, is_correct};

/// A demo question: (type, stem, options, answer, tag, points).
type DemoQuestion = (&'static str, &'static str, &'static [&'static str], &'static str, &'static str, i64);

const BANK: &[DemoQuestion] = &[
    ("single", "中国共产党党员必须自觉遵守党的纪律，首先是遵守党的（　）。", &["组织纪律", "政治纪律", "廉洁纪律", "工作纪律"], "B", "党章", 2),
    ("single", "党的最高领导机关是（　）。", &["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央纪律检查委员会"], "A", "党章", 2),
    ("single", "党员如果没有正当理由，连续（　）不参加党的组织生活，就被认为是自行脱党。", &["三个月", "六个月", "九个月", "一年"], "B", "党章", 2),
    ("single", "《中国共产党廉洁自律准则》的规范对象是（　）。", &["全体党员和党员领导干部", "党员领导干部", "全体公职人员", "全体党员"], "A", "廉洁自律准则", 2),
    ("single", "党员领导干部廉洁自律规范中要求“廉洁用权，自觉维护人民根本利益，（　）”。", &["不谋私利", "不贪不占", "不图名利", "不徇私情"], "A", "廉洁自律准则", 2),
    ("single", "党纪处分的种类有（　）种。", &["三", "四", "五", "六"], "C", "纪律处分条例", 2),
    ("single", "受到撤销党内职务处分的，（　）年内不得在党内担任和向党外组织推荐担任与其原任职务相当或者高于其原任职务的职务。", &["一", "二", "三", "五"], "B", "纪律处分条例", 2),
    ("single", "中央八项规定是（　）年12月中央政治局会议审议通过的。", &["2012", "2013", "2014", "2015"], "A", "八项规定", 2),
    ("single", "违规公款吃喝属于违反（　）的行为。", &["政治纪律", "组织纪律", "廉洁纪律", "群众纪律"], "C", "八项规定", 2),
    ("single", "党员受到严重警告处分，（　）内不得在党内提升职务。", &["六个月", "一年", "一年半", "二年"], "C", "纪律处分条例", 2),
    ("multiple", "党的纪律包括（　）。", &["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"], "ABCDEF", "纪律处分条例", 4),
    ("multiple", "中央八项规定精神要求（　）。", &["改进调查研究", "精简会议活动", "精简文件简报", "厉行勤俭节约"], "ABCD", "八项规定", 4),
    (
        "multiple",
        "党员领导干部廉洁自律规范包括（　）。",
        &["廉洁从政，自觉保持人民公仆本色", "廉洁用权，自觉维护人民根本利益", "廉洁修身，自觉提升思想道德境界", "廉洁齐家，自觉带头树立良好家风"],
        "ABCD",
        "廉洁自律准则",
        4,
    ),
    ("multiple", "下列属于违反中央八项规定精神的有（　）。", &["违规发放津补贴", "公款旅游", "按规定参加单位食堂工作餐", "违规收送礼品礼金"], "ABD", "八项规定", 4),
    ("multiple", "党员享有的权利包括（　）。", &["参加党的有关会议", "在党的会议上参加讨论党的政策问题", "对党的工作提出建议和倡议", "在党内选举中有表决权、选举权"], "ABCD", "党章", 4),
    ("multiple", "运用监督执纪“四种形态”，第一种形态包括（　）。", &["批评和自我批评", "约谈函询", "警告处分", "立案审查"], "AB", "纪律处分条例", 4),
    ("judge", "党员领导干部可以接受可能影响公正执行公务的宴请。", &[], "错", "廉洁自律准则", 2),
    ("judge", "党的纪律是党的各级组织和全体党员必须遵守的行为规则。", &[], "对", "党章", 2),
    ("judge", "公务接待可以安排一桌以上的陪餐人员。", &[], "错", "八项规定", 2),
    ("judge", "对于违纪的党组织，上级党组织应当责令其作出书面检查或者给予通报批评。", &[], "对", "纪律处分条例", 2),
    ("judge", "党员干部节假日可以使用公车办理私事。", &[], "错", "八项规定", 2),
    ("judge", "党员领导干部应当廉洁齐家，自觉带头树立良好家风。", &[], "对", "廉洁自律准则", 2),
    ("judge", "党员受到留党察看处分期间，有表决权、选举权和被选举权。", &[], "错", "纪律处分条例", 2),
    ("judge", "预备党员的预备期为一年。", &[], "对", "党章", 2),
    ("fill", "党的最高理想和最终目标是实现______。", &[], "共产主义", "党章", 3),
    ("fill", "党员的党龄，从______之日算起。", &[], "预备期满转为正式党员", "党章", 3),
    ("fill", "党纪处分包括警告、严重警告、撤销党内职务、留党察看和______。", &[], "开除党籍", "纪律处分条例", 3),
    ("fill", "《中国共产党廉洁自律准则》要求党员坚持崇廉拒腐，清白做人，______做事。", &[], "干净", "廉洁自律准则", 3),
    ("fill", "中央八项规定第一条是要改进______。", &[], "调查研究", "八项规定", 3),
    ("fill", "党员领导干部要坚持尚俭戒奢，艰苦朴素，______。", &[], "勤俭节约", "廉洁自律准则", 3),
];

const RULES: &str = r#"[{"kind":"single","tag":"","count":5,"points":2},{"kind":"multiple","tag":"","count":2,"points":4},{"kind":"judge","tag":"","count":4,"points":2},{"kind":"fill","tag":"","count":2,"points":3}]"#;

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let actor = Actor::system("演示数据");
    let all = Scope::system(SystemScope::Demo);
    let today = lianzheng_store::duty::tasks::today();
    let day = |d: time::Date| lianzheng_core::duty::format_date(d);
    let org = |code: &'static str| async move { anyhow::Ok(st.db.fetch_one::<(OrgId, String)>(q("SELECT id, path FROM orgs WHERE code = $1").bind(code)).await?) };
    let (county, county_path) = org("XW").await?;
    let (jyj, jyj_path) = org("XW-D08").await?;
    let (zzb, _) = org("XW-D03").await?;

    let inputs: Vec<exams::QuestionInput> = BANK
        .iter()
        .map(|(kind, stem, options, answer, tag, points)| exams::QuestionInput {
            kind: kind.to_string(),
            stem: stem.to_string(),
            options: match *kind {
                "judge" => vec!["对".into(), "错".into()],
                _ => options.iter().map(|o| o.to_string()).collect(),
            },
            answer: answer.to_string(),
            tags: vec![tag.to_string()],
            points: *points,
        })
        .collect();
    let mut tx = st.db.begin().await?;
    exams::create_questions(&mut tx, &actor, county, &county_path, &inputs, true).await?;
    // this month's papers, open from the 1st to the month's last day
    let first = today.replace_day(1)?;
    let last = first.replace_day(time::util::days_in_month(first.month(), first.year()))?;
    let paper = |title: &str, unit: OrgId| exams::PaperInput {
        org_id: unit,
        title: title.to_string(),
        kind: "regular".into(),
        minutes: 30,
        opens_on: day(first),
        closes_on: day(last),
        rules: RULES.into(),
        pass_mark: 20,
        attempts_allowed: 2,
        units: vec![unit],
        people: vec![],
    };
    let p_jyj = exams::create_paper(&mut tx, &actor, &all, &paper(&format!("{}年{}月教育局廉政知识测试", first.year(), u8::from(first.month())), jyj)).await?;
    let p_zzb = exams::create_paper(&mut tx, &actor, &all, &paper(&format!("{}年{}月组织部廉政知识测试", first.year(), u8::from(first.month())), zzb)).await?;
    tx.commit().await?;

    // a sitting of each paper by a person without a demo account, already scored
    let bank = exams::usable_questions(&st.db, &jyj_path).await?;
    for paper_id in [p_jyj, p_zzb] {
        let paper = exams::get_paper(&st.db, paper_id).await?;
        let Some((person, path)) = st
            .db
            .fetch_optional::<(PersonId, String)>(q("SELECT p.id, p.org_path FROM people p WHERE p.org_id = $1 AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY p.id").bind(paper.org_id))
            .await?
        else {
            continue;
        };
        let seed = person.get() * 7919;
        let drawn = draw(&bank, &lianzheng_web::app::conduct::exams::rules_of(&paper), seed);
        let mut tx = st.db.begin().await?;
        let started = now() - 3600;
        let id = exams::start(&mut tx, &actor, &paper, person, &path, 1, seed, started + paper.minutes * 60, &drawn).await?;
        let a = lianzheng_store::conduct::exams::get_attempt_tx(&mut tx, id).await?;
        // right on all but the last two questions
        let mut marks = Vec::new();
        let mut score = 0;
        for (i, (qid, points)) in drawn.iter().enumerate() {
            let Some(qn) = bank.iter().find(|x| x.id == *qid) else { continue };
            let given = if i + 2 < drawn.len() { qn.answer.clone() } else { String::new() };
            exams::save_answer(&mut tx, &actor, id, *qid, &given).await?;
            let ok = is_correct(&qn.kind, &qn.answer, Some(&given));
            if ok {
                score += points;
            }
            marks.push((*qid, ok));
        }
        exams::finish(&mut tx, &actor, &a, &marks, score, score >= paper.pass_mark, started + 900, false).await?;
        tx.commit().await?;
    }

    // 教育局's education activities, one a quarter over the last year
    let people: Vec<(PersonId,)> = st.db.fetch_all(q("SELECT id FROM people WHERE org_id = $1 ORDER BY id LIMIT 12").bind(jyj)).await?;
    let acts = [
        (10, "warning", "观看警示教育片《永远在路上》", "局机关会议室", "组织全体干部观看警示教育片，结合本系统典型案例开展讨论，每人撰写心得体会。"),
        (100, "party_lecture", "党组书记讲廉政专题党课", "局机关会议室", "党组书记以“严守纪律规矩，永葆清廉本色”为题讲授专题党课，解读《中国共产党纪律处分条例》修订要点。"),
        (190, "visit", "参观县廉政教育基地", "县廉政教育基地", "组织中层以上干部参观廉政教育基地，重温入党誓词。"),
        (280, "warning", "召开以案促改警示教育大会", "县教育局报告厅", "通报近年来教育系统违纪违法典型案例，剖析案发原因，部署以案促改工作。"),
    ];
    for (ago, kind, title, place, content) in acts {
        let held = today - time::Duration::days(ago);
        let n = if kind == "visit" { 5 } else { people.len() };
        let input = education::ActivityInput {
            org_id: jyj,
            kind: kind.into(),
            held_on: day(held),
            title: title.into(),
            place: Some(place.into()),
            content: Some(content.into()),
            attendees: people.iter().take(n).map(|(p,)| *p).collect(),
        };
        let mut tx = st.db.begin().await?;
        education::create(&mut tx, &actor, None, &input).await?;
        tx.commit().await?;
    }
    // and one of 组织部's, so 教育局's staff have a unit's record they may not read
    let zzb_people: Vec<(PersonId,)> = st.db.fetch_all(q("SELECT id FROM people WHERE org_id = $1 ORDER BY id LIMIT 6").bind(zzb)).await?;
    let input = education::ActivityInput {
        org_id: zzb,
        kind: "party_lecture".into(),
        held_on: day(today - time::Duration::days(30)),
        title: "部务会成员讲廉政党课".into(),
        place: Some("组织部会议室".into()),
        content: Some("围绕选人用人风气开展廉政教育。".into()),
        attendees: zzb_people.iter().map(|(p,)| *p).collect(),
    };
    let mut tx = st.db.begin().await?;
    education::create(&mut tx, &actor, None, &input).await?;
    tx.commit().await?;
    Ok(())
}
