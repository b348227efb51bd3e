//! The toast after a save. A page form posts, the handler saves and redirects (so a reload
//! does not post again), and the page it lands on says what happened: 报送成功, 已退回 ….
//! The redirect sets a short-lived cookie holding only a code from the table below; the
//! next page request turns the code into its fixed Chinese text (the layout renders it into
//! `#toasts`, escaped like any text) and clears the cookie. Nothing a request carries is ever
//! shown as such: an unknown code shows nothing, and another site can neither set the cookie
//! (SameSite=Strict, HttpOnly) nor put words into the page.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::state::AppState;

pub const COOKIE: &str = "lz_flash";

macro_rules! flashes {
    ($($v:ident = $code:literal, $text:literal;)*) => {
        /// What a save did, as the person reads it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Flash { $($v),* }
        impl Flash {
            pub const ALL: &'static [Flash] = &[$(Flash::$v),*];
            pub fn code(self) -> &'static str {
                match self { $(Flash::$v => $code),* }
            }
            pub fn text(self) -> &'static str {
                match self { $(Flash::$v => $text),* }
            }
        }
    };
}

flashes! {
    Saved = "saved", "已保存";
    Created = "created", "已新建";
    Added = "added", "已添加";
    Deleted = "deleted", "已删除";
    Submitted = "submitted", "报送成功";
    Accepted = "accepted", "已备案";
    Returned = "returned", "已退回";
    Published = "published", "已发布";
    Disabled = "disabled", "已停用";
    Enabled = "enabled", "已启用";
    Copied = "copied", "已复制";
    Handed = "handed", "已交卷";
    Generated = "generated", "已生成";
    Signed = "signed", "已签订";
    Confirmed = "confirmed", "已确认签订";
    Reported = "reported", "进度已报送";
    Replied = "replied", "回复已登记";
    Concluded = "concluded", "已作出处理意见";
    Reviewed = "reviewed", "已标记为已核";
    Checked = "checked", "检查已完成";
    Uploaded = "uploaded", "已上传";
    Revoked = "revoked", "已撤销授权";
    Imported = "imported", "导入成功";
    PasswordChanged = "password", "密码已修改";
    TotpEnabled = "totp", "双因素认证已开启";
    Answered = "answered", "已反馈";
    Closed = "closed", "已办结";
    PointClosed = "point_closed", "已销号";
    Issued = "issued", "已签发";
    Redrafted = "redrafted", "已按档案重新起草";
    Notified = "notified", "已反馈给受检单位";
    Approved = "approved", "结果已审定";
    TalkConfirmed = "talk_confirmed", "已确认约谈记录";
}

impl Flash {
    pub fn parse(code: &str) -> Option<Flash> {
        Flash::ALL.iter().copied().find(|f| f.code() == code)
    }
}

tokio::task_local! {
    static CURRENT: Option<&'static str>;
}

/// The message for the page being rendered, if the save before it left one.
pub fn current() -> Option<&'static str> {
    CURRENT.try_with(|c| *c).ok().flatten()
}

fn cookie_value(st: &AppState, code: Option<&str>) -> String {
    let secure = if st.policy.secure_cookies { "; Secure" } else { "" };
    match code {
        Some(c) => format!("{COOKIE}={c}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60{secure}"),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

/// The redirect after a save, leaving `flash` for the page it leads to.
pub fn redirect(st: &AppState, to: &str, flash: Flash) -> Response {
    let mut r = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie_value(st, Some(flash.code()))) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// Middleware: a full page (GET, not htmx, answered with HTML) reads the flash cookie and clears it.
pub async fn carry(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Some(code) = crate::auth::cookie(req.headers(), COOKIE) else { return next.run(req).await };
    if req.method() != Method::GET || req.headers().contains_key("hx-request") {
        return next.run(req).await;
    }
    let message = Flash::parse(&code).map(Flash::text);
    let mut resp = CURRENT.scope(message, next.run(req)).await;
    let is_page = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("text/html"));
    if is_page
        && !resp.status().is_redirection()
        && let Ok(v) = HeaderValue::from_str(&cookie_value(&st, None))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::Flash;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for f in Flash::ALL {
            assert_eq!(Flash::parse(f.code()), Some(*f));
        }
        assert_eq!(Flash::parse("<script>"), None);
        assert_eq!(Flash::parse(""), None);
    }
}
