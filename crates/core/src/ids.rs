//! Typed ids of the main entities: one newtype over `i64` per table, so that a person's id
//! cannot be passed where an organisation's is expected. On the wire (JSON, paths, forms)
//! and in the database they are the bare integer.

use std::fmt;
use std::str::FromStr;

/// A text that is not a positive whole number where an id was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("编号无效")]
pub struct ParseIdError;

/// What every typed id is: parsed from a path or form field, shown as its number.
pub trait Id: Copy + Eq + std::hash::Hash + fmt::Display + FromStr<Err = ParseIdError> {
    fn get(self) -> i64;
}

macro_rules! ids {
    ($($(#[$m:meta])* $name:ident;)+) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
        #[cfg_attr(feature = "sqlx", sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id of a row read from the database (or made up in a test).
            pub const fn new(v: i64) -> Self {
                $name(v)
            }
            /// The bare integer, for SQL parameters, audit entries and links.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl Id for $name {
            fn get(self) -> i64 {
                self.0
            }
        }

        /// Only a positive whole number: paths and form fields carry nothing else.
        impl FromStr for $name {
            type Err = ParseIdError;
            fn from_str(s: &str) -> Result<Self, ParseIdError> {
                s.trim().parse::<i64>().ok().filter(|v| *v > 0).map($name).ok_or(ParseIdError)
            }
        }
    )+};
}

ids! {
    /// 组织 (`orgs`).
    OrgId;
    /// 人员 (`people`).
    PersonId;
    /// 任职 (`posts`).
    PostId;
    /// 账号 (`users`).
    UserId;
    /// 授权 (`grants`).
    GrantId;
    /// 密码重置申请 (`password_resets`).
    ResetId;
    /// 附件 (`attachments`).
    AttachmentId;
    /// 责任清单 (`duty_lists`).
    DutyListId;
    /// 谈话函询、提醒谈话、诫勉谈话 (`inquiries`).
    InquiryId;
    /// 廉洁意见回复 (`integrity_replies`).
    IntegrityReplyId;
    /// 清单条目 (`duty_items`).
    ListItemId;
    /// 共性清单模板 (`duty_templates`).
    ListTemplateId;
    /// 共性清单模板条目 (`duty_template_items`).
    TemplateItemId;
    /// 任务分工方案 (`task_plans`).
    PlanId;
    /// 任务 (`tasks`).
    TaskId;
    /// 进度报告 (`task_reports`).
    ReportId;
    /// 提醒 (`task_reminders`).
    ReminderId;
    /// 催报 (`list_reminders`).
    ListReminderId;
    /// 责任书模板 (`letter_templates`).
    LetterTemplateId;
    /// 责任书 (`letters`).
    LetterId;
    /// 雷同提示 (`letter_flags`).
    FlagId;
    /// 廉政约谈 (`talks`).
    TalkId;
    /// 履责纪实 (`duty_records`).
    DutyRecordId;
    /// 廉政教育活动 (`education_activities`).
    EducationId;
    /// 试题 (`exam_questions`).
    QuestionId;
    /// 试卷/考试 (`exam_papers`).
    PaperId;
    /// 答卷 (`exam_attempts`).
    AttemptId;
    /// 抄告单、整改建议书 (`notices`).
    NoticeId;
    /// 婚丧喜庆事宜报告 (`family_events`).
    FamilyEventId;
    /// 个人有关事项报告 (`personal_matters`).
    PersonalMatterId;
    /// 处分、组织处理 (`sanctions`).
    SanctionId;
    /// 述责述廉 (`statement_rounds`).
    StatementRoundId;
    /// 述责述廉报告 (`statement_reports`).
    StatementReportId;
    /// 点评意见 (`statement_points`).
    StatementPointId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_show() {
        assert_eq!("42".parse::<OrgId>(), Ok(OrgId::new(42)));
        assert_eq!(" 7 ".parse::<PersonId>(), Ok(PersonId::new(7)));
        assert!("0".parse::<OrgId>().is_err());
        assert!("-3".parse::<OrgId>().is_err());
        assert!("x".parse::<OrgId>().is_err());
        assert_eq!(OrgId::new(9).to_string(), "9");
        assert_eq!(OrgId::new(9).get(), 9);
    }
}
