//! 机关, 用户, 节假日 and 审计日志: what an admin (and, for the audit log, a supervising office)
//! manages in their subtree.

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::office::{Choice, agency_choices};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_access::Role;
use gongkai_audit::Entry;
use gongkai_services::agencies::TreeRow;
use gongkai_store::accounts::User;
use serde::Deserialize;

/// A redirect back to a page with a notice in its query.
fn back(path: &str, notice: &str) -> Response {
    Redirect::to(&format!(
        "{path}?notice={}",
        crate::auth::form_urlencoded_component(notice)
    ))
    .into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: String,
    #[serde(default)]
    agency: String,
}

/// The notice of a page reached by [`back`]: only our own short sentences are shown, escaped.
fn notice(q: &NoticeQuery) -> String {
    q.notice.chars().take(200).collect()
}

#[derive(Debug, Template)]
#[template(path = "agencies.html")]
pub struct AgenciesPage {
    pub layout: Layout,
    pub tree: Vec<TreeRow>,
    pub parents: Vec<Choice>,
}

/// `GET /office/agencies`.
pub async fn agencies<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<NoticeQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let tree = caller.ctx(&app, &settings).agency_tree().await?;
    render(&AgenciesPage {
        layout: Layout::new(&caller, Section::Agencies).with_notice(notice(&q)),
        parents: agency_choices(&app, &caller, "", None).await?,
        tree,
    })
}

#[derive(Debug, Deserialize)]
pub struct AgencyForm {
    name: String,
    #[serde(default)]
    parent: String,
}

/// `POST /office/agencies`: registers an agency under a parent the admin manages.
pub async fn add_agency<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<AgencyForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let parent = Some(form.parent.trim()).filter(|p| !p.is_empty());
    let agency = caller
        .ctx(&app, &settings)
        .add_agency(&form.name, parent)
        .await?;
    Ok(back(
        "/office/agencies",
        &format!("已登记机关：{}", agency.name),
    ))
}

/// An account as the users page shows it.
#[derive(Debug)]
pub struct UserRow {
    pub user: User,
    pub roles: Vec<(String, Role)>,
}

#[derive(Debug, Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub users: Vec<UserRow>,
    pub agencies: Vec<Choice>,
    pub roles: Vec<(&'static str, &'static str)>,
}

/// `GET /office/users`: the accounts the admin manages, with their roles.
pub async fn users<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<NoticeQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let tree = ctx.agency_tree().await?;
    let name_of = |id| {
        tree.iter()
            .find(|r| r.agency.id == id)
            .map_or_else(|| format!("机关 {}", id.0), |r| r.agency.name.clone())
    };
    let users = ctx
        .list_users()
        .await?
        .into_iter()
        .map(|user| UserRow {
            roles: user.roles.iter().map(|(a, r)| (name_of(*a), *r)).collect(),
            user,
        })
        .collect();
    render(&UsersPage {
        layout: Layout::new(&caller, Section::Users).with_notice(notice(&q)),
        users,
        agencies: agency_choices(&app, &caller, "", None).await?,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
    })
}

fn role(text: &str) -> WebResult<Role> {
    Role::parse(text).ok_or_else(|| WebError::invalid(format!("不认识的角色“{text}”")))
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    name: String,
    password: String,
    agency: String,
    role: String,
}

/// `POST /office/users`: an account with its first role.
pub async fn add_user<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<UserForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let user = caller
        .ctx(&app, &settings)
        .add_user(&form.name, &form.password, &form.agency, role(&form.role)?)
        .await?;
    Ok(back("/office/users", &format!("已创建用户：{}", user.name)))
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    agency: String,
    role: String,
    /// `grant` or `revoke`.
    action: String,
}

/// `POST /office/users/{name}/roles`: grants or takes back a role.
pub async fn change_role<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(name): Path<String>,
    posted: SecureForm<RoleForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let role = role(&form.role)?;
    let done = match form.action.as_str() {
        "grant" => {
            ctx.grant_role(&name, &form.agency, role).await?;
            "已授予"
        }
        "revoke" => {
            ctx.revoke_role(&name, &form.agency, role).await?;
            "已撤销"
        }
        other => return Err(WebError::invalid(format!("不认识的操作“{other}”"))),
    };
    Ok(back(
        "/office/users",
        &format!("{done} {name} 在“{}”的{}角色", form.agency, role.label()),
    ))
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    /// `disable` or `enable`.
    action: String,
}

/// `POST /office/users/{name}/status`: disables or re-enables an account.
pub async fn set_status<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(name): Path<String>,
    posted: SecureForm<StatusForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let disabled = match form.action.as_str() {
        "disable" => true,
        "enable" => false,
        other => return Err(WebError::invalid(format!("不认识的操作“{other}”"))),
    };
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .set_user_disabled(&name, disabled)
        .await?;
    let done = if disabled { "已停用" } else { "已启用" };
    Ok(back("/office/users", &format!("{done}用户 {name}")))
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    password: String,
}

/// `POST /office/users/{name}/password`: an admin sets a new password (the account's sessions
/// end).
pub async fn reset_password<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(name): Path<String>,
    posted: SecureForm<ResetForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .reset_password(&name, &form.password)
        .await?;
    Ok(back("/office/users", &format!("已重置 {name} 的密码")))
}

#[derive(Debug, Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    pub layout: Layout,
    pub years: Vec<i32>,
}

/// `GET /office/calendar`: the years the working-day calendar knows.
pub async fn calendar<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<NoticeQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let cal = caller.ctx(&app, &settings).calendar().await?;
    render(&CalendarPage {
        layout: Layout::new(&caller, Section::Calendar).with_notice(notice(&q)),
        years: cal.known_years().collect(),
    })
}

#[derive(Debug, Deserialize)]
pub struct CalendarForm {
    toml: String,
}

/// `POST /office/calendar`: adds a year's holiday arrangement (checked before it is stored).
pub async fn import_calendar<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<CalendarForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let years = caller
        .ctx(&app, &settings)
        .import_calendar(&form.toml)
        .await?;
    let years: Vec<String> = years.iter().map(ToString::to_string).collect();
    Ok(back(
        "/office/calendar",
        &format!("已导入 {} 年的放假安排", years.join("、")),
    ))
}

#[derive(Debug, Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub agency: String,
    /// Each entry with what it records, in words.
    pub entries: Vec<(Entry, String)>,
}

/// What an entry's summary records (a JSON object), as `名称：值` pairs: the reason of a
/// correction, the fields a write set. Personal data is already a keyed pseudonym there.
fn details(summary: &str) -> String {
    const NAMES: [(&str, &str); 12] = [
        ("reason", "理由"),
        ("id", "编号"),
        ("kind", "类型"),
        ("received", "收到日期"),
        ("event", "事件"),
        ("date", "日期"),
        ("outcome", "办理结果"),
        ("state", "状态"),
        ("applicant", "申请人"),
        ("request", "申请"),
        ("changes", "更正"),
        ("role", "角色"),
    ];
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(summary) else {
        return summary.to_owned();
    };
    map.iter()
        .map(|(k, v)| {
            let name = NAMES
                .iter()
                .find(|(key, _)| key == k)
                .map_or(k.as_str(), |(_, n)| n);
            let value = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{name}：{value}")
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// `GET /office/audit?agency=…`: the latest entries of an agency's audit log (the whole log
/// only for the operator).
pub async fn audit<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<NoticeQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let agencies = agency_choices(&app, &caller, &q.agency, None).await?;
    let agency = if q.agency.trim().is_empty() {
        agencies
            .first()
            .map(|c| c.value.clone())
            .unwrap_or_default()
    } else {
        q.agency.trim().to_owned()
    };
    let entries = if agency.is_empty() {
        Vec::new()
    } else {
        caller
            .ctx(&app, &settings)
            .audit_list(Some(&agency), 200)
            .await?
            .into_iter()
            .map(|e| {
                let said = details(&e.summary);
                (e, said)
            })
            .collect()
    };
    render(&AuditPage {
        layout: Layout::new(&caller, Section::Audit),
        agencies,
        agency,
        entries,
    })
}
