//! The public portal's use cases (issue 12): what anyone may do without logging in — read the
//! agency tree, the catalogue (政府信息公开目录, 第十九–二十六条) and each agency's guide, apply
//! for information (第二十七–二十九条) and follow an application.
//!
//! Permission as types: a public page's handler holds a [`Public`], and a `Public` simply has
//! no method that reaches requests, applicants or accounts. It carries an operator scope, but
//! privately: only this module tree uses it, to call the read use cases of [`Ctx`] whose
//! answers are public by definition (published documents, agency names). A handler can never
//! get a [`Ctx`] out of a `Public`, so no mistake in a handler can widen what the public sees;
//! adding a method here is the one way to, and it is reviewed as such.
//!
//! - [`applications`]: applying online (第二十七–二十九条) and following the application;
//! - [`catalogue`]: the agencies, the catalogue pages, search, attachments and the Atom feed;
//! - [`disclosures`]: the public log of answered requests and their released documents;
//! - [`guide`]: each agency's 政府信息公开指南 and the forms of provision it offers;
//! - [`messages`]: leaving a message (互动交流), following it, and the published replies;
//! - [`reports`]: the published annual reports, their versions and the checks' findings;
//! - [`triage`]: while an applicant writes, what is already public and the notice of
//!   第三十九条 when the wording is a petition, complaint or consultation.

pub mod applications;
pub mod catalogue;
pub mod disclosures;
pub mod guide;
pub mod messages;
pub mod reports;
pub mod triage;

use crate::{Actor, Ctx, Result, Scope, Settings};
use gongkai_store::Store;

/// The name the public's reads act under (never recorded: they write nothing).
const PUBLIC_ACTOR: &str = "公众";

/// The public's context: the store and the settings, and the public use cases as methods.
/// Cheap to make for every request.
#[derive(Debug)]
pub struct Public<'a, S> {
    store: &'a S,
    settings: &'a Settings,
    /// The operator scope of the reads this module delegates to [`Ctx`]: private to the module
    /// tree, never handed out (see the module's documentation).
    scope: Scope,
}

impl<'a, S: Store> Public<'a, S> {
    /// The public's context over `store` with `settings`.
    ///
    /// # Errors
    /// None in practice: the actor's name is a constant that [`Actor::new`] accepts.
    pub fn new(store: &'a S, settings: &'a Settings) -> Result<Public<'a, S>> {
        Ok(Public {
            store,
            settings,
            scope: Scope::operator(Actor::new(PUBLIC_ACTOR)?),
        })
    }

    /// The store, for the public use cases of this module tree.
    pub(in crate::portal) fn store(&self) -> &'a S {
        self.store
    }

    /// The settings (today, the deadline rules).
    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    /// A [`Ctx`] for the reads this module tree delegates: never returned to a front end.
    pub(in crate::portal) fn ctx(&self) -> Ctx<'_, S> {
        Ctx::new(self.store, &self.scope, self.settings)
    }
}
