//! Who may do what, as types (lldap's habit): a use case on an agency takes a [`Scope`], and a
//! write needs a [`Grant`], which only the access checks of this crate construct. A forgotten
//! check therefore does not compile: there is no other way to make the value a write asks for.
//!
//! - [`Actor`]: who does something; recorded with every write in the audit log.
//! - [`Scope`]: the agencies a caller reaches — the whole installation, or the subtrees of the
//!   agencies a role was granted on (a role on an agency holds for every agency below it).
//! - [`Grant`]: the proof that a scope reached one agency (or the whole installation) for one
//!   write, made by [`Scope::agency`] or [`Scope::installation`].
//!
//! Accounts and roles (officer, approver, supervisor, admin) come with the web platform; the
//! command line runs as the installation's operator ([`Scope::operator`]).
#![forbid(unsafe_code)]

use gongkai_cases::{Agency, AgencyId};
use std::fmt;

/// Why access was refused or an actor is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The scope does not reach the agency.
    #[error("{actor} 无权处理“{agency}”的事务")]
    Denied { actor: String, agency: String },
    /// An installation-wide change asked of a scope that reaches only some agencies.
    #[error("{actor} 无权修改整个系统的设置，需要管理员权限")]
    NotOperator { actor: String },
    /// An actor's name is empty, too long or holds control characters.
    #[error("操作人名称无效：{0}")]
    BadActor(String),
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
    /// Everything, installation-wide settings included.
    Installation,
    /// The subtrees rooted at these agencies.
    Subtrees(Vec<AgencyId>),
}

/// The agencies a caller may act on, and who the caller is. Constructed only here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    actor: Actor,
    reach: Reach,
}

/// The proof that one write was allowed: who, and on which agency (`None`: installation-wide,
/// such as the holiday calendar). Only [`Scope::agency`] and [`Scope::installation`] make one.
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

    /// A scope of the subtrees of `roots`: what a role granted on those agencies reaches (a role
    /// on an agency holds for that agency and every agency below it). The web platform builds
    /// this from an account's roles.
    pub fn subtrees(actor: Actor, roots: Vec<AgencyId>) -> Scope {
        Scope {
            actor,
            reach: Reach::Subtrees(roots),
        }
    }

    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Whether the scope reaches `agency`: it or one of its ancestors in `tree` is a root of the
    /// scope. Walking up is bounded by the size of the tree, so a cycle cannot loop.
    pub fn reaches(&self, agency: AgencyId, tree: &[Agency]) -> bool {
        let Reach::Subtrees(roots) = &self.reach else {
            return true;
        };
        let mut at = Some(agency);
        for _ in 0..=tree.len() {
            let Some(id) = at else { return false };
            if roots.contains(&id) {
                return true;
            }
            at = tree.iter().find(|a| a.id == id).and_then(|a| a.parent);
        }
        false
    }

    /// The access check for a write on `agency`.
    pub fn agency(&self, agency: &Agency, tree: &[Agency]) -> Result<Grant, AccessError> {
        if !self.reaches(agency.id, tree) {
            return Err(AccessError::Denied {
                actor: self.actor.to_string(),
                agency: agency.name.clone(),
            });
        }
        Ok(Grant {
            actor: self.actor.clone(),
            agency: Some((agency.id, agency.name.clone())),
        })
    }

    /// The access check for an installation-wide write (the calendar, moving the installation):
    /// only full access passes.
    pub fn installation(&self) -> Result<Grant, AccessError> {
        match self.reach {
            Reach::Installation => Ok(Grant {
                actor: self.actor.clone(),
                agency: None,
            }),
            Reach::Subtrees(_) => Err(AccessError::NotOperator {
                actor: self.actor.to_string(),
            }),
        }
    }

    /// The agencies of `tree` the scope reaches, in tree order: what a list may show.
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

    #[test]
    fn a_role_reaches_its_subtree_only() {
        let t = tree();
        let s = Scope::subtrees(Actor::new("张三").unwrap(), vec![AgencyId(3)]);
        assert!(s.reaches(AgencyId(3), &t));
        assert!(s.reaches(AgencyId(4), &t));
        assert!(!s.reaches(AgencyId(1), &t));
        assert!(!s.reaches(AgencyId(2), &t));
        assert!(!s.reaches(AgencyId(5), &t));
        assert!(s.agency(&t[3], &t).is_ok());
        assert_eq!(
            s.agency(&t[1], &t),
            Err(AccessError::Denied {
                actor: "张三".into(),
                agency: "县自然资源局".into()
            })
        );
        assert!(s.installation().is_err());
        let names: Vec<&str> = s.visible(&t).iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["某镇政府", "某镇某村"]);
    }

    #[test]
    fn the_operator_reaches_everything() {
        let t = tree();
        let s = Scope::operator(Actor::new("admin").unwrap());
        assert!(t.iter().all(|a| s.reaches(a.id, &t)));
        let g = s.agency(&t[1], &t).unwrap();
        assert_eq!(g.actor().name(), "admin");
        assert_eq!(g.agency(), Some((AgencyId(2), "县自然资源局")));
        assert_eq!(s.installation().unwrap().agency(), None);
    }

    #[test]
    fn a_cycle_in_the_tree_does_not_loop() {
        let mut t = tree();
        t[0].parent = Some(AgencyId(4));
        let s = Scope::subtrees(Actor::new("x").unwrap(), vec![AgencyId(5)]);
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
