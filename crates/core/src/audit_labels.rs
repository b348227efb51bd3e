//! 审计日志的中文标签：every action code written to the audit log, with what the 安全审计员
//! reads for it, one table per domain area. A code is `对象.动作` (`org.create`); entries
//! written before codes carried their object (`create` on `org`) are read through
//! [`label_for`]. A test in crates/app/tests/it/audit_log.rs checks that every code the
//! source passes to the audit log is here.

/// 组织与人员.
pub const ORG: &[(&str, &str)] = &[
    ("org.create", "新增组织"),
    ("org.update", "修改组织"),
    ("org.export", "导出组织机构"),
    ("person.create", "新增人员"),
    ("person.update", "修改人员"),
    ("person.export", "导出人员信息"),
    ("person.id_lookup", "按身份证号查询人员"),
    ("post.create", "新增任职"),
];

/// 账号、授权、登录与访问控制.
pub const ACCOUNT: &[(&str, &str)] = &[
    ("user.create", "新增账号"),
    ("user.login", "登录"),
    ("user.login_failed", "登录失败"),
    ("user.login_locked", "账号锁定"),
    ("user.unlock", "解除锁定"),
    ("user.reset_password", "重置密码"),
    ("user.change_password", "修改密码"),
    ("user.disable", "停用账号"),
    ("user.enable", "启用账号"),
    ("user.totp_enable", "开启双因素认证"),
    ("user.totp_pending", "生成双因素密钥"),
    ("user.totp_failed", "动态验证码错误"),
    ("user.totp_enrol_failed", "绑定双因素时验证码错误"),
    ("user.reset_request", "申请重置密码"),
    ("user.reset_approve", "批准重置密码"),
    ("user.reset_reject", "驳回重置密码"),
    ("user.grant", "授权"),
    ("user.revoke", "撤销授权"),
    ("setting.update", "修改设置"),
    ("access.denied", "越权访问被拒绝"),
];

/// 审计日志与数据备份.
pub const AUDIT: &[(&str, &str)] = &[("audit.keyed", "审计日志链启用密钥"), ("audit.export", "导出审计日志"), ("archive.export", "备份/导出全部数据"), ("archive.import", "恢复/导入全部数据")];

/// 附件.
pub const FILES: &[(&str, &str)] = &[("attachment.upload", "上传附件"), ("attachment.download", "下载附件")];

/// 定责：责任清单、任务分工、责任书.
pub const DUTY: &[(&str, &str)] = &[
    ("duty_list.create", "新建责任清单"),
    ("duty_list.submit", "报送备案责任清单"),
    ("duty_list.accept", "责任清单备案通过"),
    ("duty_list.return", "退回责任清单"),
    ("duty_list.copy", "复制上年清单"),
    ("duty_list.export", "导出责任清单列表"),
    ("duty_coverage.export", "导出全覆盖情况"),
    ("duty_list.remind", "催报责任清单"),
    ("duty_list.delete", "删除责任清单草稿"),
    ("duty_item.create", "新增清单事项"),
    ("duty_item.update", "修改清单事项"),
    ("duty_item.delete", "删除清单事项"),
    ("duty_template.create", "新建共性清单"),
    ("duty_template.publish", "发布共性清单"),
    ("duty_template.update", "修改共性清单"),
    ("duty_template.disable", "停用共性清单"),
    ("duty_template.enable", "启用共性清单"),
    ("duty_template_item.create", "新增共性事项"),
    ("duty_template_item.update", "修改共性事项"),
    ("duty_template_item.delete", "删除共性事项"),
    ("task_plan.create", "新建任务分工"),
    ("task_plan.update", "修改任务分工"),
    ("task_plan.copy", "复制上年任务分工"),
    ("task_plan.export", "导出任务分工"),
    ("task_plan.document", "生成责任分工公文"),
    ("duty_list.document", "下载责任清单（Word）"),
    ("letter.document", "下载责任书（Word）"),
    ("task.create", "新增任务事项"),
    ("task.update", "修改任务事项"),
    ("task.delete", "删除任务事项"),
    ("task.report", "报送任务进展"),
    ("letter_template.create", "新建责任书模板"),
    ("letter_template.update", "修改责任书模板"),
    ("letter_template.disable", "停用责任书模板"),
    ("letter_template.enable", "启用责任书模板"),
    ("letter.generate", "生成责任书"),
    ("letter.update", "修改责任书"),
    ("letter.sign", "签订责任书"),
    ("letter.recheck", "重新检查全年责任书雷同"),
    ("letter_flag.review", "复核雷同提示"),
    ("scope_phrase.create", "新增范围用语"),
];

/// 工作日历.
pub const CALENDAR: &[(&str, &str)] = &[("calendar.set_day", "修改工作日历"), ("calendar.confirm", "核对工作日历年度安排"), ("calendar.seed", "载入内置节假日安排")];

/// 履责：纪实、约谈及其他履责记录. One block per part, so the parts grow apart.
pub const CONDUCT: &[(&str, &str)] = &[
    // 履责纪实
    ("duty_record.create", "录入履责纪实"),
    ("duty_record.update", "修改履责纪实"),
    ("duty_record.delete", "删除履责纪实"),
    // 廉政约谈
    ("talk.create", "记录廉政约谈"),
    ("talk.update", "修改廉政约谈"),
    ("talk.delete", "删除廉政约谈"),
    ("talk.confirm", "被约谈人确认约谈记录"),
    ("talk.scan", "上传约谈记录签字扫描件"),
    // 谈话函询、提醒谈话、诫勉谈话
    ("inquiry.create", "新增谈话函询记录"),
    ("inquiry.read", "查阅谈话函询记录"),
    ("inquiry.reply", "登记函询回复"),
    ("inquiry.conclude", "作出函询了结意见"),
    // 廉政教育与考试
    ("education.create", "登记廉政教育活动"),
    ("education.update", "修改廉政教育活动"),
    ("exam_question.create", "添加试题"),
    ("exam_question.import", "导入试题"),
    ("exam_paper.create", "新建廉政考试"),
    ("exam_paper.results", "查看考试成绩"),
    ("exam_paper.export", "导出考试成绩"),
    ("exam_attempt.start", "开始答卷"),
    ("exam_attempt.answer", "保存答案"),
    ("exam_attempt.submit", "交卷"),
    // 抄告单、整改建议书
    ("notice.create", "发出抄告单或整改建议书"),
    ("notice.read", "查阅抄告单或整改建议书"),
    ("notice.answer", "反馈整改落实情况"),
    ("notice.close", "办结抄告单或整改建议书"),
    ("notice.return", "退回反馈要求重新反馈"),
    ("notice.document", "下载抄告单或整改建议书"),
    // 廉政档案：婚丧喜庆、个人有关事项、处分与问责
    ("integrity_file.read", "查阅廉政档案"),
    ("family_event.create", "报告操办婚丧喜庆事宜"),
    ("family_event.read", "查阅婚丧喜庆事宜报告"),
    ("family_event.after", "报告婚丧喜庆事宜办理情况"),
    ("family_event.review", "审阅婚丧喜庆事宜报告"),
    ("personal_matter.create", "报告个人有关事项"),
    ("sanction.create", "登记处分或组织处理"),
    // 述责述廉
    ("statement_round.create", "发起述责述廉"),
    ("statement_report.read", "查阅述责述廉报告"),
    ("statement_report.submit", "提交述责述廉报告"),
    ("statement_report.revise", "修改述责述廉报告"),
    ("statement_report.attach", "上传述责述廉报告文件"),
    ("statement_point.create", "提出点评意见"),
    ("statement_point.answer", "答复点评意见"),
    ("statement_point.close", "点评意见销号"),
    ("statement_point.return", "退回点评意见答复"),
    // 廉洁意见回复
    ("integrity_reply.create", "起草廉洁意见回复"),
    ("integrity_reply.read", "查阅廉洁意见回复"),
    ("integrity_reply.edit", "修改廉洁意见回复"),
    ("integrity_reply.redraft", "按档案重新起草廉洁意见"),
    ("integrity_reply.issue", "签发廉洁意见回复"),
    ("integrity_reply.delete", "删除廉洁意见回复草稿"),
    ("integrity_reply.download", "下载廉洁意见回复公文"),
    // (end)
];

/// 考责：年度检查考核. One block per part, so the parts grow apart.
pub const INSPECTION: &[(&str, &str)] = &[
    // 检查考核
    // 检查考核：通知、受检单位、阶段、检查组、抽查
    ("inspection_campaign.create", "新建检查考核"),
    ("inspection_campaign.update", "修改检查考核（通知、阶段、资料清单）"),
    ("inspection_campaign.units", "确定受检单位"),
    ("inspection_campaign.issue", "印发检查考核通知"),
    ("inspection_campaign.document", "下载检查考核通知"),
    ("inspection_campaign.spot", "确定抽查单位"),
    ("inspection_group.create", "组建检查组"),
    ("inspection_unit.assign", "安排检查组和检查日期"),
    // 个别谈话记录
    ("inspection_talk.create", "登记个别谈话记录"),
    ("inspection_talk.update", "修改个别谈话记录"),
    ("inspection_talk.read", "查阅个别谈话记录"),
    ("inspection_talk.list", "查阅受检单位的个别谈话记录"),
    // 廉政测评 (never a vote: a vote writes no entry)
    ("inspection_ballot.form_save", "设置廉政测评表"),
    ("inspection_ballot.meeting_hold", "召开廉政测评会议"),
    ("inspection_ballot.codes_generate", "生成廉政测评码"),
    ("inspection_ballot.sheet_print", "下载廉政测评码单"),
    ("inspection_ballot.meeting_close", "结束廉政测评会议"),
    // 发现问题、亮点和通报
    ("finding.create", "登记发现问题"),
    ("finding.update", "修改发现问题"),
    ("finding.notify", "向受检单位反馈问题"),
    ("finding.delete", "删除发现问题"),
    ("inspection_highlight.create", "登记检查亮点"),
    ("inspection_highlight.delete", "删除检查亮点"),
    ("inspection_bulletin.save", "起草或修改检查考核通报"),
    ("inspection_bulletin.issue", "印发检查考核通报"),
    ("inspection_bulletin.document", "下载检查考核通报"),
    // 自查自评: the report, the materials, the 八项规定 table
    ("inspection_selfcheck.create", "开始填写自查报告"),
    ("inspection_selfcheck.save", "保存自查报告"),
    ("inspection_selfcheck.generate", "从本单位记录生成自查报告初稿"),
    ("inspection_selfcheck.refresh", "更新自查报告中的数据"),
    ("inspection_selfcheck.submit", "提交自查报告"),
    ("inspection_selfcheck.return", "退回自查报告"),
    ("inspection_material.add", "报送自查资料"),
    ("inspection_material.remove", "撤下自查资料"),
    ("inspection_material.download", "下载自查资料"),
    ("inspection_frugality.save", "填写八项规定自查统计表"),
    ("inspection_frugality.export", "导出八项规定自查统计表"),
    // 评分标准
    ("inspection_standard.create", "新建评分标准"),
    ("inspection_standard.copy", "复制评分标准"),
    ("inspection_standard.update", "修改评分标准"),
    ("inspection_standard.tree", "复制评分标准的指标"),
    ("inspection_standard.import", "导入评分标准"),
    ("inspection_indicator.create", "添加评分指标"),
    ("inspection_indicator.update", "修改评分指标"),
    ("inspection_indicator.delete", "删除评分指标"),
    // 评分
    ("inspection_scoring.standard", "选定检查考核的评分标准"),
    ("inspection_scoring.approve", "审定检查考核结果"),
    ("inspection_scoring.document", "下载检查考核结果通报"),
    ("inspection_score.self", "保存本单位自评"),
    ("inspection_score.inspector", "保存检查组成员评分"),
    ("inspection_score.final", "协调确定最终评分"),
    ("inspection_score.read", "查阅检查组成员评分"),
    // (end)
];

/// Every domain area's table.
pub const AREAS: &[&[(&str, &str)]] = &[ORG, ACCOUNT, AUDIT, FILES, DUTY, CONDUCT, CALENDAR, INSPECTION];

/// Objects (the `entity` of an entry).
pub const ENTITIES: &[(&str, &str)] = &[
    ("org", "组织"),
    ("person", "人员"),
    ("post", "任职"),
    ("user", "账号"),
    ("setting", "设置"),
    ("request", "请求"),
    ("audit_log", "审计日志"),
    ("archive", "数据备份"),
    ("attachment", "附件"),
    ("duty_list", "责任清单"),
    ("inquiry", "谈话函询"),
    ("duty_item", "清单事项"),
    ("duty_coverage", "全覆盖"),
    ("duty_template", "共性清单"),
    ("duty_template_item", "共性事项"),
    ("task_plan", "任务分工"),
    ("task", "任务事项"),
    ("education", "廉政教育活动"),
    ("exam_question", "试题"),
    ("exam_paper", "廉政考试"),
    ("exam_attempt", "答卷"),
    ("letter_template", "责任书模板"),
    ("letter", "责任书"),
    ("letter_flag", "雷同提示"),
    ("scope_phrase", "范围用语"),
    ("calendar", "工作日历"),
    ("talk", "廉政约谈"),
    ("duty_record", "履责纪实"),
    ("notice", "抄告单、整改建议书"),
    ("integrity_file", "廉政档案"),
    ("family_event", "婚丧喜庆事宜报告"),
    ("personal_matter", "个人有关事项"),
    ("sanction", "处分与问责"),
    ("statement_round", "述责述廉"),
    ("statement_report", "述责述廉报告"),
    ("statement_point", "点评意见"),
    ("integrity_reply", "廉洁意见回复"),
    ("inspection_campaign", "检查考核"),
    ("inspection_group", "检查组"),
    ("inspection_unit", "受检单位"),
    ("inspection_talk", "个别谈话记录"),
    ("inspection_material", "自查资料"),
    ("inspection_ballot", "廉政测评"),
    ("inspection_ballot_meeting", "廉政测评会议"),
    ("finding", "发现问题"),
    ("inspection_highlight", "检查亮点"),
    ("inspection_bulletin", "检查考核通报"),
    ("inspection_selfcheck", "自查报告"),
    ("inspection_frugality", "八项规定自查统计表"),
    ("inspection_standard", "评分标准"),
    ("inspection_indicator", "评分指标"),
    ("inspection_scoring", "评分结果"),
    ("inspection_score", "评分"),
];

/// Every action code with its label, area by area.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    AREAS.iter().flat_map(|a| a.iter().copied())
}

/// The Chinese label of an action code.
pub fn label(action: &str) -> Option<&'static str> {
    all().find(|(code, _)| *code == action).map(|(_, l)| l)
}

/// The label of an entry's action, for entries written before codes named their object too.
pub fn label_for(action: &str, entity: &str) -> Option<&'static str> {
    label(action).or_else(|| if action.contains('.') { None } else { label(&format!("{entity}.{action}")) })
}

/// The Chinese name of an entity.
pub fn entity_label(entity: &str) -> Option<&'static str> {
    ENTITIES.iter().find(|(code, _)| *code == entity).map(|(_, l)| *l)
}

/// The note after an intact chain when its first entries predate the key.
pub fn unkeyed_note(unkeyed: i64) -> String {
    if unkeyed > 0 { format!("（其中前 {unkeyed} 条为升级前的无密钥 SM3 记录）") } else { String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_named_by_object_and_labelled() {
        let mut seen = HashSet::new();
        for (code, label) in all() {
            assert!(seen.insert(code), "{code} twice");
            let (entity, verb) = code.split_once('.').unwrap_or_default();
            assert!(!verb.is_empty() && verb.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
            // `access.` and `audit.` name the area rather than an entity
            assert!(entity_label(entity).is_some() || ["access", "audit"].contains(&entity), "{code}: object {entity} has no label");
            assert!(!label.is_empty() && !label.is_ascii(), "{code}");
        }
    }

    #[test]
    fn old_entries_read_through_their_object() {
        assert_eq!(label("org.create"), Some("新增组织"));
        assert_eq!(label_for("org.create", "org"), Some("新增组织"));
        assert_eq!(label_for("create", "org"), Some("新增组织"));
        assert_eq!(label_for("return", "duty_list"), Some("退回责任清单"));
        assert_eq!(label_for("login", "user"), Some("登录"));
        assert_eq!(label_for("nothing", "org"), None);
        assert_eq!(label("create"), None);
        assert_eq!(unkeyed_note(0), "");
        assert!(unkeyed_note(3).contains('3'));
    }
}
