//! Organisations, people, posts and roles: the vocabulary every module shares.

labelled_enum!(
    /// 组织类型
    OrgKind {
        PartyCommittee = "party_committee", "党委";
        PartyGroup = "party_group", "党组";
        PartyWorkCommittee = "party_work_committee", "党工委";
        GeneralBranch = "general_branch", "党总支";
        Branch = "branch", "党支部";
        DisciplineCommission = "discipline_commission", "纪委";
        DisciplineWorkCommittee = "discipline_work_committee", "纪工委";
        StationedGroup = "stationed_group", "派驻纪检组";
        Unit = "unit", "机关/单位";
        Township = "township", "乡镇/街道";
    }
);

impl OrgKind {
    /// Discipline bodies carry the 监督责任; the others the 主体责任.
    pub fn is_discipline(self) -> bool {
        matches!(self, OrgKind::DisciplineCommission | OrgKind::DisciplineWorkCommittee | OrgKind::StationedGroup)
    }
}

labelled_enum!(
    /// 性别
    Gender { Male = "male", "男"; Female = "female", "女"; }
);

labelled_enum!(
    /// 政治面貌
    PoliticalStatus {
        PartyMember = "party_member", "中共党员";
        Probationary = "probationary", "中共预备党员";
        LeagueMember = "league_member", "共青团员";
        Democratic = "democratic", "民主党派";
        Masses = "masses", "群众";
    }
);

labelled_enum!(
    /// 职级
    Rank {
        Provincial = "provincial", "省部级";
        Bureau = "bureau", "厅局级";
        County = "county", "县处级";
        Township = "township", "乡科级";
        Staff = "staff", "科员及以下";
        Village = "village", "村(社区)干部";
        Worker = "worker", "职工";
    }
);

labelled_enum!(
    /// 职务 (posts held in an organisation)
    PostKind {
        Secretary = "secretary", "书记";
        DeputySecretary = "deputy_secretary", "副书记";
        TeamMember = "team_member", "班子成员";
        DisciplineSecretary = "discipline_secretary", "纪委书记";
        MiddleManager = "middle_manager", "中层干部";
        Cadre = "cadre", "一般干部";
        Worker = "worker", "职工";
    }
);

labelled_enum!(
    /// Roles. The three admin roles (三员分立) are separate from business roles and from each other.
    Role {
        SystemAdmin = "system_admin", "系统管理员";
        SecurityAdmin = "security_admin", "安全保密管理员";
        Auditor = "auditor", "安全审计员";
        DisciplineStaff = "discipline_staff", "纪委工作人员";
        PartyStaff = "party_staff", "单位党务工作人员";
        Secretary = "secretary", "书记";
        TeamMember = "team_member", "班子成员";
        Inspector = "inspector", "检查组成员";
        Cadre = "cadre", "一般干部";
    }
);

impl Role {
    pub fn is_admin(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::SecurityAdmin | Role::Auditor)
    }
    /// Business roles are bound to an organisation subtree.
    pub fn needs_org(self) -> bool {
        !self.is_admin()
    }
}

/// What a person may do. Each route asks for one permission; the decision lives here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ViewOrgs,
    ManageOrgs,
    ViewPeople,
    ManagePeople,
    ManageAccounts,
    ManageGrants,
    ManageSettings,
    ViewAudit,
    UploadAttachments,
    /// 定责: see lists, plans and letters in scope
    ViewDuty,
    /// 定责: keep a unit's lists, plan and letters
    EditDuty,
    /// 定责: the 纪委 accepts or returns filed lists, publishes 共性 items, reviews copy flags
    ReviewDuty,
    /// 定责: report progress on a task
    ReportProgress,
    /// 定责: sign one's own responsibility letter
    SignLetter,
    /// 履责: read the duty records (纪实, 约谈 …) in scope
    ViewConduct,
    /// 履责: record a unit's duty acts (纪实, 约谈 …)
    RecordConduct,
    /// 履责: 谈话函询, 提醒谈话 and 诫勉谈话 — the 纪委's own work
    HandleInquiries,
    /// 履责: keep the question bank and exam papers, read exam results in scope (纪委, 党务)
    ManageExams,
    /// 履责: issue 抄告单 and 整改建议书 to a unit's leaders, close or return their answers —
    /// the 纪委's own work, apart from `HandleInquiries` (a notice is about a unit's work, a
    /// 函询 about a person's conduct)
    IssueNotices,
    /// 履责: organise 述责述廉 rounds of one's own body and make, close or return its 点评
    /// (纪委 staff; the 县委's or a 党委's party staff)
    OrganiseStatements,
    /// 履责: draft and issue 廉洁意见回复 from people's integrity files — the 纪委's own work
    ReplyIntegrity,
    /// 考责: read the inspection campaigns over one's scope and one's unit's part in them
    ViewInspection,
    /// 考责: organise a campaign — notice, units, phases, groups, spot check, results (纪委)
    ManageInspection,
    /// 考责: score units as a member of an inspection group (检查组; the 纪委 too)
    ScoreInspection,
}

impl Permission {
    pub fn granted_to(self, role: Role) -> bool {
        use Permission as P;
        use Role as R;
        match self {
            P::ViewOrgs => matches!(role, R::SystemAdmin | R::SecurityAdmin | R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember | R::Inspector | R::Cadre),
            P::ManageOrgs => role == R::SystemAdmin,
            P::ViewPeople => matches!(role, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember | R::Inspector),
            P::ManagePeople => matches!(role, R::DisciplineStaff | R::PartyStaff),
            P::ManageAccounts | P::ManageSettings => role == R::SystemAdmin,
            P::ManageGrants => role == R::SecurityAdmin,
            P::ViewAudit => role == R::Auditor,
            P::UploadAttachments => matches!(role, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember | R::Inspector),
            P::ViewDuty => matches!(role, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember | R::Inspector | R::Cadre),
            P::EditDuty => matches!(role, R::DisciplineStaff | R::PartyStaff),
            P::ReviewDuty => role == R::DisciplineStaff,
            P::ReportProgress => matches!(role, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember),
            P::SignLetter => matches!(role, R::Secretary | R::TeamMember | R::PartyStaff | R::DisciplineStaff),
            P::ViewConduct => matches!(role, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember | R::Inspector | R::Cadre),
            P::RecordConduct => matches!(role, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember),
            P::HandleInquiries => role == R::DisciplineStaff,
            P::ManageExams => matches!(role, R::DisciplineStaff | R::PartyStaff),
            P::IssueNotices => role == R::DisciplineStaff,
            P::OrganiseStatements => matches!(role, R::DisciplineStaff | R::PartyStaff),
            P::ReplyIntegrity => role == R::DisciplineStaff,
            P::ViewInspection => matches!(role, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember | R::Inspector),
            P::ManageInspection => role == R::DisciplineStaff,
            P::ScoreInspection => matches!(role, R::DisciplineStaff | R::Inspector),
        }
    }
    /// Whether the permission is exercised over an organisation subtree (business data) rather than system-wide.
    pub fn is_scoped(self) -> bool {
        matches!(
            self,
            Permission::ViewPeople
                | Permission::ManagePeople
                | Permission::UploadAttachments
                | Permission::ViewDuty
                | Permission::EditDuty
                | Permission::ReviewDuty
                | Permission::ReportProgress
                | Permission::SignLetter
                | Permission::ViewConduct
                | Permission::RecordConduct
                | Permission::HandleInquiries
                | Permission::ManageExams
                | Permission::IssueNotices
                | Permission::OrganiseStatements
                | Permission::ReplyIntegrity
                | Permission::ViewInspection
                | Permission::ManageInspection
                | Permission::ScoreInspection
        )
    }
}

/// Materialised path of an organisation: "/1/5/23/". A subtree is every path with this prefix.
/// Paths compare as bytes, so the subtree is the half-open range [path, upper) where upper
/// replaces the final '/' by '0' (the next byte): an index range scan on both databases.
pub fn subtree_range(path: &str) -> (String, String) {
    let mut upper = path.trim_end_matches('/').to_string();
    upper.push('0');
    (path.to_string(), upper)
}

/// Why a scope covers everything without a signed-in person behind it. Each use is named so a
/// reader (and a grep) finds every place that acts outside a person's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemScope {
    /// Background jobs (reminders, checks).
    Job,
    /// The `lianzheng` command line (run by the operator on the server).
    Cli,
    /// Loading the demo county and generated bench data.
    Demo,
    /// The admin roles' view of the organisation tree (system data, no business records).
    OrgTree,
    /// Counting one unit's own records for its self-check draft (考责): narrowed to the unit's
    /// subtree, after the use case has checked the caller writes that unit's report; only
    /// counts leave it.
    SelfCheck,
}

/// The set of organisation subtrees a caller may act on for one permission. It cannot be built
/// from outside this crate except from a signed-in principal's grants (`of_grants`) or as a
/// named system scope (`system`); narrowing (`within`) never widens it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    all: bool,
    /// Subtree roots as materialised paths; no overlaps.
    paths: Vec<String>,
}

/// One role held over one organisation (its materialised path), as a principal's grants give it.
pub struct GrantedRole<'a> {
    pub role: Role,
    pub org_path: Option<&'a str>,
}

impl Scope {
    /// Nothing at all.
    pub fn none() -> Self {
        Scope::default()
    }
    /// Everything, for a named system purpose.
    pub fn system(_why: SystemScope) -> Self {
        Scope { all: true, paths: vec![] }
    }
    /// The subtrees over which the grants give `perm` (business permissions), everything
    /// (admin permissions over system data), or nothing.
    pub fn of_grants<'a>(grants: impl IntoIterator<Item = GrantedRole<'a>>, perm: Permission) -> Self {
        let mut paths = Vec::new();
        for g in grants {
            if !perm.granted_to(g.role) {
                continue;
            }
            if perm.is_scoped() || g.role.needs_org() {
                if let Some(p) = g.org_path {
                    paths.push(p.to_string());
                }
            } else {
                return Scope { all: true, paths: vec![] };
            }
        }
        Scope::from_paths(paths)
    }
    fn from_paths(mut paths: Vec<String>) -> Self {
        paths.sort();
        paths.dedup();
        // drop paths already covered by an ancestor
        let mut kept: Vec<String> = Vec::new();
        for p in paths {
            if !kept.iter().any(|k| p.starts_with(k.as_str())) {
                kept.push(p);
            }
        }
        Scope { all: false, paths: kept }
    }
    /// This scope narrowed to the subtree at `path`: the subtree if the scope covers it, the
    /// parts of the scope inside it otherwise (possibly nothing). Never wider than `self`.
    pub fn within(&self, path: &str) -> Scope {
        if self.contains(path) {
            return Scope { all: false, paths: vec![path.to_string()] };
        }
        Scope { all: false, paths: self.paths.iter().filter(|p| p.starts_with(path)).cloned().collect() }
    }
    pub fn is_empty(&self) -> bool {
        !self.all && self.paths.is_empty()
    }
    /// Covers every organisation (system scopes and the admin roles' system data).
    pub fn is_all(&self) -> bool {
        self.all
    }
    /// The subtree roots (empty when `is_all`).
    pub fn paths(&self) -> &[String] {
        &self.paths
    }
    pub fn contains(&self, path: &str) -> bool {
        self.all || self.paths.iter().any(|p| path.starts_with(p.as_str()))
    }
    /// Whether the scope holds `path` strictly below one of its roots (a reviewer above a unit,
    /// not the unit itself).
    pub fn contains_below(&self, path: &str) -> bool {
        self.all || self.paths.iter().any(|p| path.starts_with(p.as_str()) && path != p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_range_excludes_siblings_with_longer_ids() {
        let (lo, hi) = subtree_range("/1/5/");
        assert!("/1/5/" >= lo.as_str() && "/1/5/" < hi.as_str());
        assert!("/1/5/23/" >= lo.as_str() && "/1/5/23/" < hi.as_str());
        assert!(!("/1/50/" >= lo.as_str() && "/1/50/" < hi.as_str()));
        assert!(!("/1/4/" >= lo.as_str() && "/1/4/" < hi.as_str()));
    }

    #[test]
    fn scope_drops_nested_paths() {
        let s = Scope::from_paths(vec!["/1/5/".into(), "/1/5/7/".into(), "/2/".into()]);
        assert_eq!(s.within("/1/5/7/").paths(), ["/1/5/7/"], "narrowed to a covered subtree");
        assert_eq!(s.within("/1/").paths(), ["/1/5/"], "narrowing to an ancestor keeps only what was held");
        assert!(s.within("/3/").is_empty(), "narrowing never widens");
        assert_eq!(s.paths, vec!["/1/5/".to_string(), "/2/".to_string()]);
        assert!(s.contains("/1/5/7/9/"));
        assert!(!s.contains("/1/50/"));
    }

    #[test]
    fn enums_parse_label_or_code() {
        assert_eq!(OrgKind::parse("派驻纪检组"), Some(OrgKind::StationedGroup));
        assert_eq!(OrgKind::parse("branch"), Some(OrgKind::Branch));
        assert_eq!(Role::parse("安全审计员"), Some(Role::Auditor));
        assert!(!Permission::ViewPeople.granted_to(Role::SystemAdmin));
        assert!(!Permission::ViewAudit.granted_to(Role::SystemAdmin));
        assert!(!Permission::ManageAccounts.granted_to(Role::Auditor));
    }
}
