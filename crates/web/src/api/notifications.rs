//! `listNotifications`: the messages about a request (to its applicant at each milestone, to
//! staff) and how their delivery went, the addresses masked.

use super::{Always, ApiPath, api_err};
use crate::auth::ApiCaller;
use crate::error::{ErrorBody, WebResult};
use crate::{Shared, WebStore};
use axum::Json;
use axum::extract::State;
use gongkai_cases::RequestId;
use serde::Serialize;
use utoipa::ToSchema;

/// A message and its delivery status.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: i64,
    /// `received`, `correction`, `extended`, `replied`, `dispatched`.
    pub milestone: String,
    /// `sms` or `email`.
    pub channel: String,
    /// Masked: `138****0000`, `z****@example.cn`.
    pub address: String,
    /// `queued`, `sending`, `sent` or `failed`.
    pub state: String,
    pub attempts: u32,
    /// When it was sent, or when it is (or was last) due: RFC 3339, China time.
    pub at: String,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
}

/// The messages of a request: all of them on one page (`next_cursor` is always `null`).
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationOut>,
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/requests/{id}/notifications`.
#[utoipa::path(
    get,
    path = "/api/v1/requests/{id}/notifications",
    operation_id = "listNotifications",
    tag = "requests",
    summary = "申请的消息通知及其发送状态（地址部分隐藏）",
    params(("id" = i64, Path, description = "申请的编号")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "消息，按加入队列的先后", body = NotificationList),
        (status = 400, description = "编号不是数字", body = ErrorBody),
        (status = 404, description = "没有这件申请，或无权查看", body = ErrorBody),
        Always,
    )
)]
pub async fn list_notifications<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> WebResult<Json<NotificationList>> {
    let settings = app.settings();
    let list = caller
        .ctx(&app, &settings)
        .request_deliveries(RequestId(id))
        .await
        .map_err(api_err)?;
    Ok(Json(NotificationList {
        items: list
            .into_iter()
            .map(|d| NotificationOut {
                id: d.id,
                milestone: d.milestone.key().to_owned(),
                channel: d.channel.key().to_owned(),
                address: d.address,
                state: d.state.key().to_owned(),
                attempts: d.attempts,
                at: gongkai_services::in_china(d.at).to_rfc3339(),
                last_error: d.last_error,
            })
            .collect(),
        next_cursor: None,
    }))
}
