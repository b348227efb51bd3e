//! Demo data for 考责 — 评分标准 and scores: the 县纪委's standard of the year modelled on seed
//! 001 (组织领导, 责任分解, 履职情况, 监督检查, 问题整改, with 加分 and 一票否决 items; 100 points,
//! bonuses capped at 5), picked by the demo campaign; self-scores in from most units; at 组织部
//! (checked yesterday) the two inspectors of the first group scored and disagree on one
//! indicator (廉政约谈), waiting for the leader's reconciliation; 陈立新 (jcz) has scored a unit of
//! the second group.

use anyhow::Context;
use lianzheng_store::audit::Actor;
use lianzheng_store::inspection::scores::{self as scores_store, NewRow};
use lianzheng_store::inspection::standards::{self as store, NewIndicator, NewStandard, TreeRow};
use lianzheng_store::q;
use lianzheng_web::AppState;
use lianzheng_web::app::inspection::scores::compute;
use lianzheng_web::app::inspection::standards::{Node, tree};

/// (number, name, max points, rule, evidence, items "扣分 1 …" one a line)
type Ind = (&'static str, &'static str, i64, &'static str, &'static str, &'static str);

/// The demo standard: seed 001's inspection content as indicators (points in tenths).
pub const INDICATORS: &[Ind] = &[
    ("1", "组织领导", 0, "", "", ""),
    ("1.1", "研究部署", 50, "党委（党组）年初专题研究部署党风廉政建设工作，全年专题研究不少于2次。", "会议记录、工作安排文件", "扣分 2 未专题研究部署党风廉政建设工作\n扣分 1 专题研究不足2次（每少1次）"),
    ("1.2", "工作计划", 50, "制定本单位年度党风廉政建设计划或任务分解计划，分解到班子成员和科室。", "年度计划或任务分解计划", "扣分 3 未制定年度党风廉政建设计划\n扣分 1 计划未分解到班子成员"),
    ("1.3", "第一责任人履职", 50, "主要负责人亲自部署、亲自过问，听取班子成员履行“一岗双责”情况汇报。", "听取汇报记录", "扣分 2 主要负责人未听取班子成员履行“一岗双责”情况汇报"),
    ("2", "责任分解", 0, "", "", ""),
    ("2.1", "责任清单", 70, "制定主体责任清单和班子成员“一岗双责”清单，按时报备。", "责任清单及报备回执", "扣分 3 未制定责任清单\n扣分 1 责任清单未按时报备"),
    (
        "2.2",
        "责任书签订",
        70,
        "逐级签订党风廉政建设责任书，内容符合签订人职责，有个性化要求。",
        "责任书、承诺书",
        "扣分 2 责任书内容雷同、无个性化要求\n扣分 2 照抄照搬以前年度责任书\n扣分 1 责任书含与签订人职责不符的内容（每份）",
    ),
    ("2.3", "职责分工", 60, "领导班子成员职责分工体现“一岗双责”。", "班子成员分工文件", "扣分 2 班子成员分工未体现“一岗双责”"),
    ("3", "履职情况", 0, "", "", ""),
    ("3.1", "廉政约谈", 80, "逐级开展廉政约谈，以个别约谈为主，约谈有廉政要求，记录有被约谈人签名。", "约谈记录", "扣分 2 集中约谈多于个别约谈\n扣分 1 约谈记录无被约谈人签名（每份）\n扣分 4 未开展个别约谈"),
    ("3.2", "教育学习", 70, "学习党章党规党纪和上级会议精神，开展警示教育。", "学习记录、读书笔记", "扣分 1 学习内容不全\n扣分 1 读书笔记通篇抄写\n扣分 2 未开展警示教育"),
    ("3.3", "制度建设与执行", 50, "建立党风廉政建设规章制度并有执行记录。", "规章制度及执行记录", "扣分 2 未建立党风廉政建设规章制度\n扣分 1 制度执行无记录"),
    ("3.4", "“三重一大”", 50, "“三重一大”事项集体决策，会议记录完整。", "“三重一大”制度及会议记录", "扣分 3 “三重一大”事项未经集体决策\n扣分 1 会议记录不完整"),
    (
        "3.5",
        "党内政治生活",
        50,
        "按要求召开民主生活会、组织生活会，征求意见、谈心谈话、民主评议规范。",
        "民主生活会、组织生活会材料",
        "扣分 1 无民主生活会征求意见表\n扣分 3 未召开组织生活会\n扣分 1 民主评议表填写不规范",
    ),
    ("4", "监督检查", 0, "", "", ""),
    ("4.1", "日常监督", 70, "运用监督执纪“四种形态”特别是第一种形态，对苗头性、倾向性问题及时约谈提醒。", "提醒谈话记录", "扣分 2 对苗头性、倾向性问题未及时约谈提醒"),
    ("4.2", "作风建设", 70, "落实中央八项规定精神，纠正“四风”，党员干部操办婚丧喜庆事宜按规定申报。", "自查整改材料、婚丧喜庆事宜报告表", "扣分 3 未开展“四风”问题自查整改\n扣分 2 操办婚丧喜庆事宜未按规定申报（每起）"),
    ("4.3", "专项工作", 60, "落实上级部署的专项工作（作风问题专项治理、扫黑除恶等）。", "专项工作资料", "扣分 2 专项工作资料缺失"),
    ("5", "问题整改", 0, "", "", ""),
    ("5.1", "上年问题整改", 80, "上年度责任制检查反馈问题逐项整改到位。", "整改台账、整改报告", "扣分 4 上年度检查反馈问题未整改（每项）"),
    ("5.2", "点评意见整改", 70, "述责述廉点评意见逐条整改。", "整改报告", "扣分 3 述责述廉点评意见未整改"),
    ("6", "加分项目", 0, "单位自身发现并查处、通报问题的，不扣分反加分。", "案件材料、上级推广文件", "加分 2 主动发现并查处违纪违法问题\n加分 1 经验做法被上级推广\n加分 0.5 党风廉政信息被上级采用（每篇）"),
    ("7", "一票否决", 0, "有下列情形之一的，检查考核等次为差。", "", "否决 发生严重违纪违法案件被立案查处\n否决 发生重大责任事故造成恶劣影响\n否决 对重大问题迟报、瞒报"),
];

/// The rows of the demo standard.
pub fn rows() -> anyhow::Result<Vec<TreeRow>> {
    let mut out: Vec<TreeRow> = Vec::new();
    let mut numbers: Vec<&str> = Vec::new();
    for (number, name, max, rule, evidence, items) in INDICATORS {
        let parent = number.rsplit_once('.').and_then(|(p, _)| numbers.iter().position(|n| *n == p));
        let seq = number.rsplit('.').next().and_then(|s| s.parse::<i64>().ok()).unwrap_or(1);
        let items = lianzheng_web::app::inspection::standards::parse_items(items).map_err(|e| anyhow::anyhow!("演示评分标准 {number}：{e}"))?;
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        out.push(TreeRow { parent, d: NewIndicator { parent_id: None, seq, name: name.to_string(), max_tenths: *max, rule: opt(rule), evidence: opt(evidence), items } });
        numbers.push(number);
    }
    Ok(out)
}

/// The items chosen on a row by their texts (count 1 unless given).
fn chosen(n: &Node, picks: &[(&str, i64)]) -> Vec<(i64, i64)> {
    let mut v: Vec<(i64, i64)> = picks.iter().filter_map(|(text, c)| n.items.iter().find(|i| i.text.starts_with(text)).map(|i| (i.id, *c))).collect();
    v.sort_unstable();
    v
}

struct Writer<'a> {
    actor: Actor,
    nodes: &'a [Node],
    campaign: i64,
}

impl Writer<'_> {
    /// Writes one row: the indicator by its name, the items by their texts' beginnings.
    /// `who`: (unit, sheet, scorer)
    async fn row(&self, tx: &mut lianzheng_store::Tx, who: (i64, &str, i64), indicator: &str, picks: &[(&str, i64)], reason: Option<&str>) -> anyhow::Result<()> {
        let (unit, sheet, scorer) = who;
        let Some(n) = self.nodes.iter().find(|n| n.leaf && n.ind.name == indicator) else { anyhow::bail!("演示评分：没有指标“{indicator}”") };
        let items = chosen(n, picks);
        let p = compute(n, &items).map_err(|e| anyhow::anyhow!("演示评分：{e}"))?;
        scores_store::save(
            tx,
            &self.actor,
            &NewRow { campaign_id: self.campaign, unit_id: unit, indicator_id: n.ind.id, sheet, scorer_id: scorer, points_tenths: p.points, bonus_tenths: p.bonus, veto: p.veto, reason, evidence: None, items: &items },
            None,
        )
        .await?;
        Ok(())
    }
}

pub async fn load(st: &AppState) -> anyhow::Result<()> {
    let db = &st.db;
    let actor = Actor::system("演示数据");
    let Some((campaign, year, org, org_path)): Option<(i64, i64, i64, String)> = db.fetch_optional(q("SELECT id, year, org_id, org_path FROM inspection_campaigns ORDER BY id LIMIT 1")).await.context("演示评分 步骤1")?
    else {
        return Ok(());
    };
    let mut tx = db.begin().await.context("演示评分 步骤2")?;
    let title = format!("{year}年度党风廉政建设责任制落实情况检查评分标准");
    let sid = store::insert(&mut tx, &actor, &NewStandard { org_id: org, org_path: &org_path, year, title: &title, bonus_cap_tenths: 50, copied_from: None, created_by: None }).await.context("演示评分 步骤3")?;
    store::replace_tree(&mut tx, &actor, sid, &rows()?, true).await.context("演示评分 步骤4")?;
    scores_store::set_standard(&mut tx, &actor, campaign, 0, sid).await.context("演示评分 步骤5")?;
    tx.commit().await.context("演示评分 步骤6")?;

    let inds = store::indicators(db, sid).await?;
    let items = store::items(db, sid).await?;
    let nodes = tree(&inds, &items);
    let w = Writer { actor, nodes: &nodes, campaign };
    let unit_of =
        |code: &'static str| async move { db.fetch_optional::<(i64,)>(q("SELECT u.id FROM inspection_units u JOIN orgs o ON o.id = u.org_id WHERE u.campaign_id = $1 AND o.code = $2").bind(campaign).bind(code)).await };
    let units: Vec<(i64, bool)> = db.fetch_all(q("SELECT id, spot_checked FROM inspection_units WHERE campaign_id = $1 ORDER BY id").bind(campaign)).await.context("演示评分 步骤7")?;
    let jyj = unit_of("XW-D08").await?.map(|r| r.0);
    let zzb = unit_of("XW-D03").await?.map(|r| r.0);

    let mut tx = db.begin().await.context("演示评分 步骤8")?;
    // self-scores: every unit but 教育局 (its self-check is due in three days), a few faults each
    const SELF_FAULTS: &[(&str, &[(&str, i64)])] = &[
        ("廉政约谈", &[("集中约谈多于个别约谈", 1)]),
        ("教育学习", &[("读书笔记通篇抄写", 1)]),
        ("党内政治生活", &[("民主评议表填写不规范", 1)]),
        ("工作计划", &[("计划未分解到班子成员", 1)]),
        ("加分项目", &[("党风廉政信息被上级采用", 2)]),
    ];
    for (k, (unit, _)) in units.iter().enumerate() {
        if Some(*unit) == jyj {
            continue;
        }
        for j in 0..=(k % 3) {
            let (ind, picks) = SELF_FAULTS[(k + j) % SELF_FAULTS.len()];
            w.row(&mut tx, (*unit, "self", 0), ind, picks, Some("自查发现")).await.context("演示评分 步骤9")?;
        }
    }
    // 组织部: the first group's two inspectors agree on 责任书 and differ on 廉政约谈
    if let Some(zzb) = zzb {
        let group: Option<(i64, i64)> = tx.fetch_optional(q("SELECT g.id, g.leader_id FROM inspection_units u JOIN inspection_groups g ON g.id = u.group_id WHERE u.id = $1").bind(zzb)).await?;
        if let Some((g, leader)) = group {
            let member: Option<(i64,)> = tx.fetch_optional(q("SELECT person_id FROM inspection_group_members WHERE group_id = $1 ORDER BY person_id LIMIT 1").bind(g)).await?;
            w.row(&mut tx, (zzb, "inspector", leader), "责任书签订", &[("责任书内容雷同", 1)], Some("班子成员与科室负责人签订的责任书内容相同，无个性化要求")).await?;
            w.row(&mut tx, (zzb, "inspector", leader), "廉政约谈", &[("集中约谈多于个别约谈", 1)], Some("全年集中约谈3次，个别约谈1次")).await?;
            if let Some((m,)) = member {
                w.row(&mut tx, (zzb, "inspector", m), "责任书签订", &[("责任书内容雷同", 1)], Some("责任书内容雷同")).await?;
                w.row(&mut tx, (zzb, "inspector", m), "廉政约谈", &[("集中约谈多于个别约谈", 1), ("约谈记录无被约谈人签名", 2)], Some("集中约谈多于个别约谈；2份约谈记录无被约谈人签名")).await?;
            }
        }
    }
    // 陈立新 (jcz) has scored the first unit of the second group
    let chen: Option<(i64, i64)> = tx
        .fetch_optional(
            q("SELECT u.id, m.person_id FROM inspection_units u JOIN inspection_group_members m ON m.group_id = u.group_id JOIN users x ON x.person_id = m.person_id WHERE u.campaign_id = $1 AND x.username = 'jcz' ORDER BY u.id LIMIT 1").bind(campaign),
        )
        .await?;
    if let Some((unit, chen)) = chen {
        w.row(&mut tx, (unit, "inspector", chen), "上年问题整改", &[("上年度检查反馈问题未整改", 1)], Some("上年反馈的“约谈记录不规范”问题仍未整改")).await?;
    }
    tx.commit().await.context("演示评分 步骤10")?;
    Ok(())
}
