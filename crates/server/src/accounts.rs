//! Branches, the organizer's login, invitations and devices.
//!
//! Creating a branch gives its organizer a password login (argon2id) and a
//! session token. The organizer invites each member with a one-time code
//! (a link / QR); redeeming it binds that phone to that member with a
//! device token. Every token is random (256 bits), stored only as its
//! SHA-256, expires, and can be revoked.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use zhibu_core::bounds;
use zhibu_core::ids::MemberId;
use zhibu_core::sync::{
    Accept, BranchSettings, Device, Invitation, Login, MAX_LOGIN, MAX_NAME, MAX_PASSWORD, MIN_PASSWORD, NewBranch,
    NewInvitation, Role, Session,
};

use crate::app::App;
use crate::auth::{self, Caller};
use crate::error::{ApiResult, Failure};
use crate::limits::{ClientIp, JsonBody, PathArg};
use crate::store::{InvitationRow, NewBranchRow, TokenRow};

const DAY_MS: i64 = 24 * 3600 * 1000;

fn text(value: &str, what: &str) -> Result<String, Failure> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Failure::Invalid(format!("{what} is required")));
    }
    if value.chars().count() > MAX_NAME {
        return Err(Failure::Invalid(format!("{what} is longer than {MAX_NAME} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(Failure::Invalid(format!("{what} contains control characters")));
    }
    Ok(value.to_owned())
}

fn password(value: &str) -> Result<(), Failure> {
    let n = value.chars().count();
    if n < MIN_PASSWORD {
        return Err(Failure::Invalid(format!("the password needs at least {MIN_PASSWORD} characters")));
    }
    if n > MAX_PASSWORD {
        return Err(Failure::Invalid(format!("the password is longer than {MAX_PASSWORD} characters")));
    }
    Ok(())
}

/// Makes and stores a token; returns it with its row.
async fn issue(app: &App, template: TokenRow) -> ApiResult<(String, TokenRow)> {
    let token = auth::new_token();
    let row = TokenRow { hash: auth::hash(&token), ..template };
    app.db.insert_token(&row).await?;
    Ok((token, row))
}

fn session(branch_name: String, token: String, row: &TokenRow, login: Option<String>) -> Session {
    Session {
        login,
        branch: row.branch.clone(),
        branch_name,
        token,
        device: row.id.clone(),
        role: row.role,
        member: row.member.as_deref().map(MemberId::from),
        expires_at: row.expires_at,
    }
}

fn token_template(app: &App, branch: &str, role: Role, member: Option<String>, label: String, days: u32) -> TokenRow {
    let now = app.now();
    TokenRow {
        id: auth::random(12),
        branch: branch.to_owned(),
        hash: String::new(),
        role,
        member,
        label,
        created_at: now,
        expires_at: now + i64::from(days) * DAY_MS,
        last_seen: now,
        revoked: false,
    }
}

/// Creates a branch; the caller becomes its organizer.
#[utoipa::path(post, path = "/api/branches", tag = "accounts", request_body = NewBranch,
    responses((status = 201, body = Session), (status = 403, description = "Sign-up closed", body = zhibu_core::sync::ApiError),
        (status = 409, description = "No free login with this name", body = zhibu_core::sync::ApiError),
        (status = 422, body = zhibu_core::sync::ApiError), (status = 429, body = zhibu_core::sync::ApiError)))]
pub async fn create_branch(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    JsonBody(new): JsonBody<NewBranch>,
) -> ApiResult<(StatusCode, Json<Session>)> {
    app.limits.login_attempt(ip)?;
    if !app.config.signup_open() {
        return Err(Failure::Forbidden("this server does not take new branches".into()));
    }
    let name = text(&new.name, "the branch name")?;
    let asked = text(&new.login, "the login")?;
    password(&new.password)?;
    let branch = auth::random(16);
    let password_hash = auth::hash_password(new.password).await?;
    // The login is the one asked for with a random number, whether or not
    // the bare one is taken: the answer never says which logins exist.
    let mut tries = 0;
    let login = loop {
        let login = format!("{asked}-{}", login_number());
        let row = NewBranchRow {
            id: branch.clone(),
            name: name.clone(),
            login: login.clone(),
            password_hash: password_hash.clone(),
            created_at: app.now(),
        };
        match app.db.create_branch(&row).await {
            Ok(()) => break login,
            // One in a million, unless this name has many branches: draw again.
            Err(crate::store::StoreError::Taken) if tries < LOGIN_DRAWS => tries += 1,
            Err(crate::store::StoreError::Taken) => {
                return Err(Failure::Conflict("no free login with this name; try another name".into()));
            }
            Err(other) => return Err(other.into()),
        }
    };
    let template = token_template(&app, &branch, Role::Organizer, None, "组织员".into(), app.config.session_days);
    let (token, row) = issue(&app, template).await?;
    tracing::info!(branch = %branch, "branch created");
    Ok((StatusCode::CREATED, Json(session(name, token, &row, Some(login)))))
}

/// How many numbers a new login may draw before giving up.
const LOGIN_DRAWS: u32 = 8;

/// Six random digits.
fn login_number() -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000)
}

/// The organizer logs in.
#[utoipa::path(post, path = "/api/login", tag = "accounts", request_body = Login,
    responses((status = 200, body = Session), (status = 401, body = zhibu_core::sync::ApiError),
        (status = 429, body = zhibu_core::sync::ApiError)))]
pub async fn login(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    JsonBody(login): JsonBody<Login>,
) -> ApiResult<Json<Session>> {
    app.limits.login_attempt(ip)?;
    if login.password.chars().count() > MAX_PASSWORD || login.login.trim().chars().count() > MAX_LOGIN {
        return Err(Failure::Unauthorized("wrong login or password"));
    }
    let account = app.db.organizer(login.login.trim()).await?;
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    if !auth::verify_password(login.password, stored).await {
        return Err(Failure::Unauthorized("wrong login or password"));
    }
    let account = account.expect("verified against a stored hash");
    let branch = app.db.branch(&account.branch).await?.ok_or(Failure::NotFound("no such branch"))?;
    let template = token_template(&app, &branch.id, Role::Organizer, None, "组织员".into(), app.config.session_days);
    let (token, row) = issue(&app, template).await?;
    Ok(Json(session(branch.name, token, &row, Some(login.login.trim().to_owned()))))
}

/// Revokes the calling token (log out; "revoke this device").
#[utoipa::path(delete, path = "/api/session", tag = "accounts",
    responses((status = 204, description = "Revoked"), (status = 401, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn logout(State(app): State<App>, caller: Caller) -> ApiResult<StatusCode> {
    app.db.revoke_token(caller.branch(), &caller.token.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the calling token is (a device checks it is still valid).
#[utoipa::path(get, path = "/api/session", tag = "accounts",
    responses((status = 200, body = Device), (status = 401, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn whoami(caller: Caller) -> Json<Device> {
    Json(device(&caller.token))
}

fn device(row: &TokenRow) -> Device {
    Device {
        id: row.id.clone(),
        role: row.role,
        member: row.member.as_deref().map(MemberId::from),
        label: row.label.clone(),
        created_at: row.created_at,
        last_seen: row.last_seen,
        expires_at: row.expires_at,
        revoked: row.revoked,
    }
}

/// Invites a member's phone: a one-time code, shown once.
#[utoipa::path(post, path = "/api/invitations", tag = "accounts", request_body = NewInvitation,
    responses((status = 201, body = Invitation), (status = 403, body = zhibu_core::sync::ApiError),
        (status = 422, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn invite(
    State(app): State<App>,
    caller: Caller,
    JsonBody(new): JsonBody<NewInvitation>,
) -> ApiResult<(StatusCode, Json<Invitation>)> {
    caller.organizer()?;
    if new.role == Role::Organizer {
        return Err(Failure::Invalid("an invitation makes a member or committee device".into()));
    }
    let member = text(new.member.as_str(), "the member")?;
    if member.len() > bounds::MAX_ID {
        return Err(Failure::Invalid(format!("the member id is longer than {} bytes", bounds::MAX_ID)));
    }
    // Only a member of the branch's roster as the server has it (the
    // organizer's device syncs before inviting).
    {
        let entry = app.branches.entry(caller.branch());
        let mut branch = entry.lock().await;
        branch.catch_up(&app.db, caller.branch()).await?;
        if !branch.state.members.contains_key(&MemberId(member.clone())) {
            return Err(Failure::Invalid("no such member in the branch's roster on the server (sync first)".into()));
        }
    }
    let code = auth::random(16);
    let now = app.now();
    let expires_at = now + i64::from(app.config.invitation_hours) * 3600 * 1000;
    let row = InvitationRow {
        hash: auth::hash(&code),
        branch: caller.branch().to_owned(),
        member: member.clone(),
        role: new.role,
        created_at: now,
        expires_at,
    };
    app.db.insert_invitation(&row).await?;
    Ok((StatusCode::CREATED, Json(Invitation { code, member: MemberId(member), expires_at })))
}

/// A phone redeems its invitation and gets its device token.
#[utoipa::path(post, path = "/api/invitations/accept", tag = "accounts", request_body = Accept,
    responses((status = 200, body = Session), (status = 401, description = "Unknown, used or expired", body = zhibu_core::sync::ApiError),
        (status = 429, body = zhibu_core::sync::ApiError)))]
pub async fn accept(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    JsonBody(accept): JsonBody<Accept>,
) -> ApiResult<Json<Session>> {
    app.limits.login_attempt(ip)?;
    let code = accept.code.trim();
    if code.len() > 64 {
        return Err(Failure::Unauthorized("this invitation is not valid"));
    }
    let label = if accept.label.trim().is_empty() { "手机".to_owned() } else { text(&accept.label, "the label")? };
    // Branch, member and role come from the invitation.
    let template = token_template(&app, "", Role::Member, None, label, app.config.device_days);
    let token = auth::new_token();
    let template = TokenRow { hash: auth::hash(&token), ..template };
    let row = app
        .db
        .redeem_invitation(&auth::hash(code), app.now(), template)
        .await?
        .ok_or(Failure::Unauthorized("this invitation is not valid: unknown, already used or expired"))?;
    let branch = app.db.branch(&row.branch).await?.ok_or(Failure::NotFound("no such branch"))?;
    tracing::info!(branch = %row.branch, device = %row.id, "invitation redeemed");
    Ok(Json(session(branch.name, token, &row, None)))
}

/// The branch's devices and sessions.
#[utoipa::path(get, path = "/api/devices", tag = "accounts",
    responses((status = 200, body = Vec<Device>), (status = 403, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn devices(State(app): State<App>, caller: Caller) -> ApiResult<Json<Vec<Device>>> {
    caller.organizer()?;
    Ok(Json(app.db.tokens(caller.branch()).await?.iter().map(device).collect()))
}

/// Revokes a device (a lost phone).
#[utoipa::path(delete, path = "/api/devices/{id}", tag = "accounts",
    params(("id" = String, Path, description = "The device's id")),
    responses((status = 204, description = "Revoked"), (status = 403, body = zhibu_core::sync::ApiError),
        (status = 404, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn revoke(State(app): State<App>, caller: Caller, PathArg(id): PathArg<String>) -> ApiResult<StatusCode> {
    caller.organizer()?;
    if app.db.revoke_token(caller.branch(), &id).await? {
        tracing::info!(branch = caller.branch(), device = %id, "device revoked");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Failure::NotFound("no such device"))
    }
}

/// A device's new role.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct RoleChange {
    /// `member` or `committee`.
    pub role: Role,
}

/// Names a member's device committee (record keeping) or back.
#[utoipa::path(put, path = "/api/devices/{id}/role", tag = "accounts", request_body = RoleChange,
    params(("id" = String, Path, description = "The device's id")),
    responses((status = 204, description = "Changed"), (status = 403, body = zhibu_core::sync::ApiError),
        (status = 404, body = zhibu_core::sync::ApiError), (status = 422, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn set_role(
    State(app): State<App>,
    caller: Caller,
    PathArg(id): PathArg<String>,
    JsonBody(change): JsonBody<RoleChange>,
) -> ApiResult<StatusCode> {
    caller.organizer()?;
    let target = app.db.tokens(caller.branch()).await?.into_iter().find(|t| t.id == id);
    match target {
        None => Err(Failure::NotFound("no such device")),
        Some(t) if t.role == Role::Organizer || change.role == Role::Organizer => {
            Err(Failure::Invalid("the organizer's sessions keep their role".into()))
        }
        Some(_) => {
            app.db.set_token_role(caller.branch(), &id, change.role).await?;
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

/// The branch's server-side settings.
#[utoipa::path(get, path = "/api/branch", tag = "accounts",
    responses((status = 200, body = BranchSettings), (status = 401, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn settings(State(app): State<App>, caller: Caller) -> ApiResult<Json<BranchSettings>> {
    let branch = app.db.branch(caller.branch()).await?.ok_or(Failure::NotFound("no such branch"))?;
    Ok(Json(BranchSettings { share_phones: branch.share_phones }))
}

/// Changes the branch's server-side settings.
#[utoipa::path(put, path = "/api/branch", tag = "accounts", request_body = BranchSettings,
    responses((status = 200, body = BranchSettings), (status = 403, body = zhibu_core::sync::ApiError)),
    security(("bearer" = [])))]
pub async fn set_settings(
    State(app): State<App>,
    caller: Caller,
    JsonBody(settings): JsonBody<BranchSettings>,
) -> ApiResult<Json<BranchSettings>> {
    caller.organizer()?;
    app.db.set_share_phones(caller.branch(), settings.share_phones).await?;
    Ok(Json(settings))
}
