//! Who may do what, as types (lldap's habit): a use case on an agency takes a [`Scope`], and a
//! write needs a [`Grant`], which only the access checks of this crate construct. A forgotten
//! check therefore does not compile: there is no other way to make the value a write asks for.
//!
//! - [`Actor`]: who does something; recorded with every write in the audit log.
//! - [`Role`]: what an account may do, granted on an agency and holding for that agency and
//!   every agency below it (officer 办理人员, approver 负责人, supervisor 政务公开办, admin).
//! - [`Capability`]: one thing a use case needs (handle requests, approve an extension, …);
//!   [`Role::allows`] is the table of `docs/web.md` §1, written once.
//! - [`Scope`]: the roles a caller holds, or the whole installation (the command line's
//!   operator).
//! - [`Grant`]: the proof that a scope allowed one capability on one agency (or an
//!   installation-wide change), made by [`Scope::agency`], [`Scope::installation`] or
//!   [`Scope::calendar`].
#![forbid(unsafe_code)]

use gongkai_cases::{Agency, AgencyId};
use std::fmt;

/// Why access was refused or an actor is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The scope does not reach the agency at all: the caller may not even see it.
    #[error("{actor} 无权处理“{agency}”的事务")]
    Denied { actor: String, agency: String },
    /// The scope sees the agency, but none of its roles there allows this.
    #[error("{actor} 无权在“{agency}”{what}（需要{needs}权限）")]
    NotAllowed {
        actor: String,
        agency: String,
        what: &'static str,
        needs: &'static str,
    },
    /// An installation-wide change asked of a scope that reaches only some agencies.
    #[error("{actor} 无权修改整个系统的设置，需要管理员权限")]
    NotOperator { actor: String },
    /// An actor's name is empty, too long or holds control characters.
    #[error("操作人名称无效：{0}")]
    BadActor(String),
}

/// What an account may do, on the agency the role is granted on and every agency below it
/// (`docs/web.md` §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 办理人员: registers and handles requests, imports ledgers, produces the agency's report.
    Officer,
    /// 负责人: an officer who also approves extensions (第三十三条第二款).
    Approver,
    /// 政务公开办: sees everything in the subtree, read only; consolidated reports; audit log.
    Supervisor,
    /// Manages the agencies, users, roles and tokens of the subtree; the audit log; the holiday
    /// calendar when granted on a top-level agency.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Officer, Role::Approver, Role::Supervisor, Role::Admin];

    /// The word on the command line and in the API: `officer`, `approver`, `supervisor`,
    /// `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Approver => "approver",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// The role's Chinese name, as pages show it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Officer => "办理人员",
            Role::Approver => "负责人",
            Role::Supervisor => "政务公开办",
            Role::Admin => "管理员",
        }
    }

    /// A role by its word or its Chinese name.
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s) || r.label() == s)
    }

    /// Whether the role allows a capability: the table of `docs/web.md` §1.
    pub fn allows(self, capability: Capability) -> bool {
        use Capability::*;
        use Role::*;
        match capability {
            Read | CheckReport => true,
            Handle => matches!(self, Officer | Approver),
            ApproveExtension | Release => self == Approver,
            Consolidate | Supervise => self == Supervisor,
            ReadAudit => matches!(self, Supervisor | Admin),
            Administer => self == Admin,
            // An account applies like anyone else: on the portal, without its roles.
            Apply => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a use case needs to be allowed on an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// See the agency's records: requests, remedy cases, figures, reports.
    Read,
    /// Register requests, record their events and decisions, correct them, import a ledger,
    /// record remedy cases, table 二 figures and the report's text, generate the report.
    Handle,
    /// Approve an extension of the answer period (第三十三条第二款).
    ApproveExtension,
    /// The consolidated report of the agency and its subtree.
    Consolidate,
    /// Return, clear and publish the annual report an agency of the subtree filed, and draft
    /// and publish the government's own report at the top of the tree (第四十九条). Never on the
    /// agency the role is granted on, unless that agency is the top of the tree: a supervising
    /// office does not clear its own agency's report (web.md §1).
    Supervise,
    /// Check a published report (no records are touched).
    CheckReport,
    /// The audit log of the subtree.
    ReadAudit,
    /// The agencies, users, roles and tokens of the subtree.
    Administer,
    /// Apply for information (第二十七条): the public's one write, through the portal.
    Apply,
    /// Release a document redacted for partial disclosure (区分处理, 第三十七条) to the
    /// applicant: the head of the office answers for what leaves it (web.md §1).
    Release,
}

impl Capability {
    /// What the capability lets one do, for messages: `…无权在“某局”{what}`.
    pub fn what(self) -> &'static str {
        match self {
            Capability::Read => "查看记录",
            Capability::Handle => "办理申请",
            Capability::ApproveExtension => "批准延期答复",
            Capability::Consolidate => "生成汇总报告",
            Capability::Supervise => "审核、退回或发布年度报告",
            Capability::CheckReport => "检查年度报告",
            Capability::ReadAudit => "查看审计日志",
            Capability::Administer => "管理机关和用户",
            Capability::Apply => "提出政府信息公开申请",
            Capability::Release => "发布区分处理后的答复文件",
        }
    }

    /// The roles that allow it, for messages: `办理人员或负责人`.
    pub fn needs(self) -> &'static str {
        match self {
            Capability::Read | Capability::CheckReport => "任一角色",
            Capability::Handle => "办理人员或负责人",
            Capability::ApproveExtension | Capability::Release => "负责人",
            Capability::Consolidate => "政务公开办",
            Capability::Supervise => "上级政务公开办",
            Capability::ReadAudit => "政务公开办或管理员",
            Capability::Administer => "管理员",
            Capability::Apply => "公众",
        }
    }
}

/// Who does something: an account name, or on the command line the name given with `--as`
/// (default: the operating-system user). Recorded with every write.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor(String);

impl Actor {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// An actor by name: trimmed, not empty, at most [`Actor::MAX_CHARS`] characters, no control
    /// characters (a name is printed in logs and audit listings).
    pub fn new(name: &str) -> Result<Actor, AccessError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AccessError::BadActor("不能为空".into()));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(AccessError::BadActor(format!(
                "不能超过 {} 个字符",
                Self::MAX_CHARS
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(AccessError::BadActor("不能包含控制字符".into()));
        }
        Ok(Actor(name.to_owned()))
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a caller reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reach {
    /// Everything, installation-wide settings included: the command line's operator.
    Installation,
    /// These roles, each on the subtree of its agency.
    Roles(Vec<(AgencyId, Role)>),
    /// A member of the public on the portal: may apply to any agency and nothing else.
    Public,
}

/// The roles a caller holds (or the whole installation), and who the caller is. Constructed
/// only here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    actor: Actor,
    reach: Reach,
}

/// The proof that one write was allowed: who, and on which agency (`None`: installation-wide,
/// such as the holiday calendar). Only the checks of [`Scope`] make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    actor: Actor,
    agency: Option<(AgencyId, String)>,
}

impl Grant {
    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The agency the write concerns, with its name at the time; `None` when installation-wide.
    pub fn agency(&self) -> Option<(AgencyId, &str)> {
        self.agency.as_ref().map(|(id, name)| (*id, name.as_str()))
    }
}

/// Whether `root` is `agency` or one of its ancestors in `tree`. Walking up is bounded by the
/// size of the tree, so a cycle cannot loop.
fn within(agency: AgencyId, root: AgencyId, tree: &[Agency]) -> bool {
    let mut at = Some(agency);
    for _ in 0..=tree.len() {
        let Some(id) = at else { return false };
        if id == root {
            return true;
        }
        at = tree.iter().find(|a| a.id == id).and_then(|a| a.parent);
    }
    false
}

impl Scope {
    /// The operator of an installation: whoever runs the command line on the machine that holds
    /// the database (or its URL) can already change everything in it, so the command line's
    /// access check grants full access, and records the actor's name with every write.
    pub fn operator(actor: Actor) -> Scope {
        Scope {
            actor,
            reach: Reach::Installation,
        }
    }

    /// An account's scope: its roles, each granted on an agency (and so holding for every
    /// agency below it).
    pub fn roles(actor: Actor, roles: Vec<(AgencyId, Role)>) -> Scope {
        Scope {
            actor,
            reach: Reach::Roles(roles),
        }
    }

    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// A member of the public applying through the portal (第二十七条: anyone may apply to any
    /// agency): the scope allows [`Capability::Apply`] on every agency and nothing else; it sees
    /// no agency's records.
    pub fn public(actor: Actor) -> Scope {
        Scope {
            actor,
            reach: Reach::Public,
        }
    }

    /// Whether this is the installation's operator (full access).
    pub fn is_operator(&self) -> bool {
        self.reach == Reach::Installation
    }

    /// The roles held, each with the agency it was granted on (none for the operator).
    pub fn granted(&self) -> &[(AgencyId, Role)] {
        match &self.reach {
            Reach::Installation | Reach::Public => &[],
            Reach::Roles(roles) => roles,
        }
    }

    /// Whether the scope allows `capability` on `agency`: a role that allows it is granted on
    /// the agency or one of its ancestors in `tree`.
    pub fn allows(&self, agency: AgencyId, tree: &[Agency], capability: Capability) -> bool {
        match &self.reach {
            Reach::Installation => true,
            Reach::Roles(roles) => roles.iter().any(|&(root, role)| {
                role.allows(capability)
                    && within(agency, root, tree)
                    // 第四十九条: a department's report is cleared by the office above it; only
                    // the top of the tree publishes its own.
                    && (capability != Capability::Supervise
                        || agency != root
                        || tree.iter().any(|a| a.id == agency && a.parent.is_none()))
            }),
            Reach::Public => capability == Capability::Apply && tree.iter().any(|a| a.id == agency),
        }
    }

    /// Whether the scope sees `agency` at all (any role on it or above it).
    pub fn reaches(&self, agency: AgencyId, tree: &[Agency]) -> bool {
        self.allows(agency, tree, Capability::Read)
    }

    /// The access check for `capability` on `agency`: [`AccessError::Denied`] when the scope
    /// does not see the agency, [`AccessError::NotAllowed`] when it sees it without a role that
    /// allows this.
    pub fn agency(
        &self,
        agency: &Agency,
        tree: &[Agency],
        capability: Capability,
    ) -> Result<Grant, AccessError> {
        let allowed = self.allows(agency.id, tree, capability);
        if !allowed && !self.reaches(agency.id, tree) {
            return Err(AccessError::Denied {
                actor: self.actor.to_string(),
                agency: agency.name.clone(),
            });
        }
        if !allowed {
            return Err(AccessError::NotAllowed {
                actor: self.actor.to_string(),
                agency: agency.name.clone(),
                what: capability.what(),
                needs: capability.needs(),
            });
        }
        Ok(Grant {
            actor: self.actor.clone(),
            agency: Some((agency.id, agency.name.clone())),
        })
    }

    /// The access check for an installation-wide change (creating a top-level agency, copying
    /// the installation, the whole audit log): only full access passes.
    pub fn installation(&self) -> Result<Grant, AccessError> {
        match self.reach {
            Reach::Installation => Ok(Grant {
                actor: self.actor.clone(),
                agency: None,
            }),
            Reach::Roles(_) | Reach::Public => Err(AccessError::NotOperator {
                actor: self.actor.to_string(),
            }),
        }
    }

    /// The access check for the holiday calendar, one for the whole installation: the
    /// operator, or an admin of a top-level agency (`docs/web.md` §1).
    pub fn calendar(&self, tree: &[Agency]) -> Result<Grant, AccessError> {
        let root_admin = self.granted().iter().any(|&(id, role)| {
            role == Role::Admin && tree.iter().any(|a| a.id == id && a.parent.is_none())
        });
        if root_admin {
            return Ok(Grant {
                actor: self.actor.clone(),
                agency: None,
            });
        }
        self.installation()
    }

    /// The grant of a change an account makes to itself (its own password): no agency, no
    /// role needed.
    pub fn own_account(&self) -> Grant {
        Grant {
            actor: self.actor.clone(),
            agency: None,
        }
    }

    /// The agencies of `tree` the scope sees, in tree order: what a list may show.
    pub fn visible<'t>(&self, tree: &'t [Agency]) -> Vec<&'t Agency> {
        tree.iter().filter(|a| self.reaches(a.id, tree)).collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn tree() -> Vec<Agency> {
        let a = |id, name: &str, parent: Option<i64>| {
            Agency::new(AgencyId(id), name, parent.map(AgencyId))
        };
        vec![
            a(1, "县政府", None),
            a(2, "县自然资源局", Some(1)),
            a(3, "某镇政府", Some(1)),
            a(4, "某镇某村", Some(3)),
            a(5, "邻县政府", None),
        ]
    }

    fn officer_of(id: i64) -> Scope {
        Scope::roles(
            Actor::new("张三").unwrap(),
            vec![(AgencyId(id), Role::Officer)],
        )
    }

    #[test]
    fn the_public_may_apply_to_any_agency_and_do_nothing_else() {
        let t = tree();
        let p = Scope::public(Actor::new("公众").unwrap());
        for a in &t {
            assert!(p.agency(a, &t, Capability::Apply).is_ok());
            assert!(!p.reaches(a.id, &t));
            for c in [
                Capability::Read,
                Capability::Handle,
                Capability::CheckReport,
                Capability::Administer,
            ] {
                assert!(p.agency(a, &t, c).is_err(), "{c:?}");
            }
        }
        assert!(p.installation().is_err());
        assert!(p.visible(&t).is_empty());
        // An account applies on the portal like anyone, never with its roles.
        assert!(officer_of(1).agency(&t[0], &t, Capability::Apply).is_err());
        let unknown = Agency::new(AgencyId(99), "不存在", None);
        assert!(p.agency(&unknown, &t, Capability::Apply).is_err());
    }

    #[test]
    fn a_supervising_office_clears_below_it_and_publishes_only_the_top_of_its_own() {
        // 第四十九条, web.md §1: the county's office clears the departments' and the towns'
        // reports and publishes the county government's own; the town's office clears its
        // village's report but not the town's own, which the county's office clears.
        let t = tree();
        let sup = |id| {
            Scope::roles(
                Actor::new("李四").unwrap(),
                vec![(AgencyId(id), Role::Supervisor)],
            )
        };
        let may = |s: &Scope, id: i64| s.allows(AgencyId(id), &t, Capability::Supervise);
        assert!(may(&sup(1), 1) && may(&sup(1), 2) && may(&sup(1), 3) && may(&sup(1), 4));
        assert!(!may(&sup(1), 5), "a neighbour's report");
        assert!(may(&sup(3), 4));
        assert!(
            !may(&sup(3), 3),
            "the town's office and the town's own report"
        );
        assert!(!may(&officer_of(1), 2), "an officer clears nothing");
    }

    #[test]
    fn a_role_reaches_its_subtree_only() {
        let t = tree();
        let s = officer_of(3);
        assert!(s.reaches(AgencyId(3), &t));
        assert!(s.reaches(AgencyId(4), &t));
        assert!(!s.reaches(AgencyId(1), &t));
        assert!(!s.reaches(AgencyId(2), &t));
        assert!(!s.reaches(AgencyId(5), &t));
        assert!(s.agency(&t[3], &t, Capability::Handle).is_ok());
        assert_eq!(
            s.agency(&t[1], &t, Capability::Handle),
            Err(AccessError::Denied {
                actor: "张三".into(),
                agency: "县自然资源局".into()
            })
        );
        assert!(s.installation().is_err());
        let names: Vec<&str> = s.visible(&t).iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["某镇政府", "某镇某村"]);
    }

    /// The table of `docs/web.md` §1, row by row.
    #[test]
    fn roles_allow_what_the_table_says() {
        use Capability::*;
        let table = [
            (Read, [true, true, true, true]),
            (Handle, [true, true, false, false]),
            (ApproveExtension, [false, true, false, false]),
            (Release, [false, true, false, false]),
            (Consolidate, [false, false, true, false]),
            (CheckReport, [true, true, true, true]),
            (ReadAudit, [false, false, true, true]),
            (Administer, [false, false, false, true]),
        ];
        for (capability, allowed) in table {
            for (role, want) in Role::ALL.into_iter().zip(allowed) {
                assert_eq!(role.allows(capability), want, "{role} {capability:?}");
            }
        }
    }

    #[test]
    fn a_supervisor_sees_but_does_not_handle() {
        let t = tree();
        let s = Scope::roles(
            Actor::new("公开办").unwrap(),
            vec![(AgencyId(1), Role::Supervisor)],
        );
        assert!(s.reaches(AgencyId(4), &t));
        assert!(s.agency(&t[3], &t, Capability::Consolidate).is_ok());
        let refused = s.agency(&t[3], &t, Capability::Handle).unwrap_err();
        assert!(
            matches!(refused, AccessError::NotAllowed { .. }),
            "{refused:?}"
        );
        assert_eq!(
            refused.to_string(),
            "公开办 无权在“某镇某村”办理申请（需要办理人员或负责人权限）"
        );
        // Roles add up: an officer role on a township besides.
        let both = Scope::roles(
            Actor::new("公开办").unwrap(),
            vec![
                (AgencyId(1), Role::Supervisor),
                (AgencyId(3), Role::Officer),
            ],
        );
        assert!(both.agency(&t[3], &t, Capability::Handle).is_ok());
        assert!(both.agency(&t[1], &t, Capability::Handle).is_err());
    }

    #[test]
    fn the_calendar_belongs_to_admins_of_a_top_level_agency() {
        let t = tree();
        let admin = |id| {
            Scope::roles(
                Actor::new("管理员").unwrap(),
                vec![(AgencyId(id), Role::Admin)],
            )
        };
        assert!(admin(1).calendar(&t).is_ok());
        assert!(admin(3).calendar(&t).is_err());
        assert!(officer_of(1).calendar(&t).is_err());
        assert!(
            Scope::operator(Actor::new("root").unwrap())
                .calendar(&t)
                .is_ok()
        );
        assert!(admin(1).installation().is_err());
    }

    #[test]
    fn roles_parse_from_their_words_and_labels() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(Role::parse(role.label()), Some(role));
        }
        assert_eq!(Role::parse(" Officer "), Some(Role::Officer));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn the_operator_reaches_everything() {
        let t = tree();
        let s = Scope::operator(Actor::new("admin").unwrap());
        assert!(t.iter().all(|a| s.reaches(a.id, &t)));
        let g = s.agency(&t[1], &t, Capability::Administer).unwrap();
        assert_eq!(g.actor().name(), "admin");
        assert_eq!(g.agency(), Some((AgencyId(2), "县自然资源局")));
        assert_eq!(s.installation().unwrap().agency(), None);
    }

    #[test]
    fn a_cycle_in_the_tree_does_not_loop() {
        let mut t = tree();
        t[0].parent = Some(AgencyId(4));
        let s = officer_of(5);
        assert!(!s.reaches(AgencyId(2), &t));
    }

    #[test]
    fn actors_are_checked() {
        assert_eq!(Actor::new("  李四 ").unwrap().name(), "李四");
        assert!(Actor::new("").is_err());
        assert!(Actor::new("a\u{0}b").is_err());
        assert!(Actor::new(&"长".repeat(65)).is_err());
        assert!(Actor::new(&"长".repeat(64)).is_ok());
    }
}
