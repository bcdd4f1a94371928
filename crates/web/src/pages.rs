//! The page templates (askama, in `templates/`, compiled into the binary) and what every page
//! shares: the layout with the navigation a user's roles call for. Askama escapes every value
//! it prints, so no text from a request or the database reaches a page unescaped.

use crate::auth::Caller;
use crate::error::{FieldError, WebError, WebResult};
use askama::Template;
use axum::response::Html;
use gongkai_access::Role;

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The sections of the back office, for the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Register,
    Ledger,
    Remedies,
    Reports,
    Filings,
    Catalogue,
    Guide,
    Check,
    Agencies,
    Users,
    Calendar,
    Audit,
    Supervision,
    Messages,
    None,
}

/// What the base template needs.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub css: String,
    pub js: String,
    /// The logged-in user's name; `None` on the login and error pages.
    pub user: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// A confirmation shown at the top (after a redirect).
    pub notice: String,
}

impl Layout {
    /// The layout of a page without a session (login, errors).
    pub fn anonymous() -> Layout {
        Layout {
            css: crate::assets::css(),
            js: crate::assets::js(),
            ..Layout::default()
        }
    }

    /// The layout of a page for `caller`, with `current` marked in the navigation. The entries
    /// follow the caller's roles (the use cases enforce the rights; the navigation only avoids
    /// offering what would be refused).
    pub fn new(caller: &Caller, current: Section) -> Layout {
        let roles: Vec<Role> = caller.scope.granted().iter().map(|(_, r)| *r).collect();
        let all = caller.scope.is_operator();
        let has = |wanted: &[Role]| all || roles.iter().any(|r| wanted.contains(r));
        let handles = has(&[Role::Officer, Role::Approver]);
        let entries: [(Section, &'static str, &'static str, bool); 15] = [
            (Section::Dashboard, "/office", "工作台", true),
            (
                Section::Register,
                "/office/requests/new",
                "申请登记",
                handles,
            ),
            (Section::Ledger, "/office/ledger", "台账导入", handles),
            (Section::Messages, "/office/messages", "互动交流", true),
            (Section::Remedies, "/office/remedies", "复议诉讼", true),
            (Section::Reports, "/office/reports", "年度报告", true),
            (Section::Filings, "/office/filings", "年报报送", true),
            (Section::Catalogue, "/office/catalogue", "公开目录", true),
            (Section::Guide, "/office/guide", "公开指南", handles),
            (Section::Check, "/office/check", "检查报告", true),
            (
                Section::Agencies,
                "/office/agencies",
                "机关",
                has(&[Role::Admin]),
            ),
            (Section::Users, "/office/users", "用户", has(&[Role::Admin])),
            (
                Section::Calendar,
                "/office/calendar",
                "节假日",
                has(&[Role::Admin]),
            ),
            (
                Section::Audit,
                "/office/audit",
                "审计日志",
                has(&[Role::Supervisor, Role::Admin]),
            ),
            (
                Section::Supervision,
                "/office/supervision",
                "督查考核",
                has(&[Role::Supervisor]),
            ),
        ];
        Layout {
            user: Some(caller.user.name.clone()),
            csrf: caller.csrf.clone(),
            nav: entries
                .into_iter()
                .filter(|e| e.3)
                .map(|(s, href, label, _)| NavItem {
                    href,
                    label,
                    current: s == current,
                })
                .collect(),
            ..Layout::anonymous()
        }
    }

    /// The same layout with a notice shown at the top.
    pub fn with_notice(mut self, notice: impl Into<String>) -> Layout {
        self.notice = notice.into();
        self
    }
}

/// Renders a template into a page.
pub fn render<T: Template>(t: &T) -> WebResult<Html<String>> {
    t.render().map(Html).map_err(|e| WebError::internal(&e))
}

#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
    pub details: Vec<FieldError>,
}

impl ErrorPage {
    /// The page of an error answer with `status`.
    pub fn new(status: u16, message: String, details: Vec<FieldError>) -> ErrorPage {
        let heading = match status {
            400 | 422 => "提交的内容有误",
            401 => "需要登录",
            403 => "无权进行此操作",
            404 => "找不到所要的内容",
            409 => "不能这样办理",
            413 => "内容过大",
            429 => "操作过于频繁",
            _ => "出错了",
        };
        ErrorPage {
            layout: Layout::anonymous(),
            heading: heading.to_owned(),
            message,
            details,
        }
    }
}

#[derive(Debug, Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub next: String,
    pub name: String,
    pub error: String,
}
