//! Need-to-know: what each role sees of the business records inside its scope. A scope says
//! *where* (which units); this table says *what* of those units' records a role may read.

use crate::org::Role;

/// Kinds of records whose visibility differs by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// 责任清单 (a unit's list, or a leader's personal list).
    DutyList,
    /// 责任书/承诺书 (a unit's letter, or a leader's own).
    Letter,
    /// 雷同 and 职责不符 flags on letters: for the 纪委 and the unit's 党务 staff.
    LetterFlag,
    /// 廉政约谈 records. The 纪委, the unit's 党务 staff and the 检查组 (who read talk records
    /// on site, seed 001) see every talk in their scope; the 书记 every talk of his unit (his
    /// scope); 班子成员 and 一般干部 only the talks they took part in, as talker or interviewee
    /// (`visible_talk`): a talk is a personal conversation, not the unit's notice board.
    Talk,
    /// 谈话函询, 提醒谈话, 诫勉谈话: the 纪委, and the 书记 of the person's unit (his superior);
    /// the person himself reads his own (he must reply). Nobody else, whatever the scope.
    Inquiry,
    /// 履责纪实: the unit's staff, leaders, the 纪委 and 检查组 read every record in scope (they
    /// are the unit's record of work, read at inspections); a 一般干部 reads the records he led
    /// or took part in (his own part of the unit's work), not the rest.
    DutyRecord,
    /// 抄告单 and 整改建议书: the 纪委 over the unit and the unit's 书记 read every one of the
    /// unit's; the addressee (the leader who must answer) reads his own. A notice names a
    /// leader's failings in his 分管 area, so the other 班子成员, the 党务 staff and the 检查组
    /// do not read it, whatever their scope (as with `Inquiry`).
    Notice,
    /// 廉政档案 (a person's integrity file: posts, talks, 函询, exams, 婚丧喜庆, 个人有关事项,
    /// 处分 and 问责 in one place): the 纪委 over the person and the 书记 of his unit read every
    /// file in their scope; everybody else reads his own file only, never a colleague's. Every
    /// opening is in the audit log (personal data).
    Archive,
    /// 婚丧喜庆事宜报告: the 纪委 (who reviews them), the unit's 党务 staff (who file them for
    /// people and keep the unit's register, read at inspections, seed 001) and the 书记 read every
    /// report in scope; the others their own.
    FamilyEvent,
    /// 述责述廉报告 and their 点评: what a 书记 or 纪委书记 reports to the higher body about his
    /// own duty and integrity. The 纪委 and the 检查组 read every report of people in their
    /// scope; everybody else reads only his own — a 一般干部, a 班子成员 or the unit's 党务 clerk
    /// does not read his 书记's report. The organising body's staff read every report of the
    /// rounds their body organised (a rule of the use case, `app::conduct::statements`).
    Statement,
    /// 个别谈话 records of an inspection: the organising 纪委 and the unit's group only.
    InspectionTalk,
}

/// How much of a kind of record a role sees within its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sees {
    Nothing,
    /// The unit's own records and the person's own personal ones, not other people's.
    Own,
    /// Every record in the scope.
    All,
}

/// The table. Roles not named see nothing.
pub fn sees(role: Role, record: Record) -> Sees {
    use Record as K;
    use Role as R;
    match (record, role) {
        (K::DutyList | K::Letter, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::Inspector) => Sees::All,
        (K::DutyList | K::Letter, R::TeamMember | R::Cadre) => Sees::Own,
        (K::LetterFlag, R::DisciplineStaff | R::PartyStaff) => Sees::All,
        (K::Talk, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::Inspector) => Sees::All,
        (K::Talk, R::TeamMember | R::Cadre) => Sees::Own,
        (K::Inquiry, R::DisciplineStaff | R::Secretary) => Sees::All,
        (K::Inquiry, R::PartyStaff | R::TeamMember | R::Inspector | R::Cadre) => Sees::Own,
        (K::DutyRecord, R::DisciplineStaff | R::PartyStaff | R::Secretary | R::TeamMember | R::Inspector) => Sees::All,
        (K::DutyRecord, R::Cadre) => Sees::Own,
        (K::Notice, R::DisciplineStaff | R::Secretary) => Sees::All,
        (K::Notice, R::PartyStaff | R::TeamMember | R::Inspector | R::Cadre) => Sees::Own,
        (K::Archive, R::DisciplineStaff | R::Secretary) => Sees::All,
        (K::Archive, R::PartyStaff | R::TeamMember | R::Inspector | R::Cadre) => Sees::Own,
        (K::FamilyEvent, R::DisciplineStaff | R::PartyStaff | R::Secretary) => Sees::All,
        (K::FamilyEvent, R::TeamMember | R::Inspector | R::Cadre) => Sees::Own,
        (K::Statement, R::DisciplineStaff | R::Inspector) => Sees::All,
        (K::Statement, R::PartyStaff | R::Secretary | R::TeamMember | R::Cadre) => Sees::Own,
        (K::InspectionTalk, R::DisciplineStaff) => Sees::All,
        (K::InspectionTalk, R::Inspector) => Sees::Own,
        _ => Sees::Nothing,
    }
}

/// The widest view any of the roles gives.
pub fn sees_any(roles: &[Role], record: Record) -> Sees {
    roles.iter().map(|r| sees(*r, record)).max().unwrap_or(Sees::Nothing)
}

/// Whether a record held by `holder` (None: the unit's own) is visible to a person who sees
/// `view` and is `me`.
pub fn visible(view: Sees, holder: Option<crate::ids::PersonId>, me: Option<crate::ids::PersonId>) -> bool {
    match view {
        Sees::All => true,
        Sees::Own => holder.is_none() || (holder.is_some() && holder == me),
        Sees::Nothing => false,
    }
}

/// Whether a talk is visible to a person who sees `view` of talks and is `me`: all of them, or
/// (`Own`) only those where `me` is the talker or one of the interviewees. Unlike a letter, a
/// talk has no "unit's own" part that everybody reads.
pub fn visible_talk(view: Sees, participants: &[crate::ids::PersonId], me: Option<crate::ids::PersonId>) -> bool {
    match view {
        Sees::All => true,
        Sees::Own => me.is_some_and(|m| participants.contains(&m)),
        Sees::Nothing => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PersonId;

    #[test]
    fn a_cadre_sees_his_own_letter_not_the_secretarys() {
        let v = sees(Role::Cadre, Record::Letter);
        assert!(visible(v, Some(PersonId::new(7)), Some(PersonId::new(7))));
        assert!(visible(v, None, Some(PersonId::new(7))), "the unit's own letter");
        assert!(!visible(v, Some(PersonId::new(1)), Some(PersonId::new(7))), "the 书记's letter");
        assert!(!visible(v, Some(PersonId::new(1)), None));
        assert!(visible(sees(Role::Secretary, Record::Letter), Some(PersonId::new(7)), Some(PersonId::new(1))));
    }

    #[test]
    fn flags_are_for_the_commission_and_party_staff() {
        assert_eq!(sees(Role::DisciplineStaff, Record::LetterFlag), Sees::All);
        assert_eq!(sees(Role::PartyStaff, Record::LetterFlag), Sees::All);
        for r in [Role::Secretary, Role::TeamMember, Role::Inspector, Role::Cadre, Role::SystemAdmin, Role::Auditor] {
            assert_eq!(sees(r, Record::LetterFlag), Sees::Nothing, "{r}");
        }
        assert_eq!(sees_any(&[Role::Cadre, Role::PartyStaff], Record::Letter), Sees::All);
    }

    #[test]
    fn a_team_member_sees_only_talks_he_took_part_in() {
        let (me, other) = (PersonId::new(7), PersonId::new(8));
        let v = sees(Role::TeamMember, Record::Talk);
        assert!(visible_talk(v, &[me, other], Some(me)));
        assert!(!visible_talk(v, &[other], Some(me)));
        assert!(!visible_talk(v, &[other], None));
        assert!(visible_talk(sees(Role::Secretary, Record::Talk), &[other], Some(me)));
        assert_eq!(sees(Role::Cadre, Record::Talk), Sees::Own);
        assert_eq!(sees(Role::SystemAdmin, Record::Talk), Sees::Nothing);
    }
}
