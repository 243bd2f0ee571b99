//! Create app feed card: `POST /open-apis/im/v2/app_feed_card?user_id_type=…`.

use indexmap::IndexMap;
use std::fmt::{self, Display};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient::null_as_default;
use crate::enums::{UserIdType, string_enum};
use crate::operation::{Method, Operation, Repeat};
use crate::rate::{Quota, TIER_7};
use crate::validate::{Rule, Validator, Violations, join};

/// Create app feed card: `POST /open-apis/im/v2/app_feed_card?user_id_type=…`.
#[derive(Debug, Clone, Copy)]
pub struct CreateAppFeedCard;

impl Operation for CreateAppFeedCard {
    type Request = CreateAppFeedCardRequest;
    type Output = CreateAppFeedCardResult;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/im/v2/app_feed_card";
    const QUERY: &'static [&'static str] = &["user_id_type"];
    const QUOTAS: &'static [Quota] = TIER_7;
    const REPEAT: Repeat = Repeat::Unsafe;

    fn validate(request: &CreateAppFeedCardRequest) -> Result<(), Violations> {
        request.validate()
    }

    fn query(request: &CreateAppFeedCardRequest) -> Vec<(&'static str, String)> {
        request.query()
    }
}

const BIZ_ID_MAX: usize = 200;
const TITLE_MAX: usize = 60;
const AVATAR_KEY_MAX: usize = 100;
const PREVIEW_MAX: usize = 120;
const LABEL_TEXT_CHARS: (usize, usize) = (1, 20);
const BUTTONS_MAX: usize = 2;
const BUTTON_TEXT_CHARS: (usize, usize) = (1, 30);
const URL_MAX: usize = 700;
const SOUND_TEXT_MAX: usize = 20;
const USER_IDS_COUNT: (usize, usize) = (1, FEED_CARD_USERS_MAX);
/// Most users one create call may name.
pub const FEED_CARD_USERS_MAX: usize = 20;

/// Create app feed card request: the `user_id_type` query parameter and the JSON body.
///
/// Serializing it gives exactly the HTTP body; [`CreateAppFeedCardRequest::query`] gives the query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateAppFeedCardRequest {
    /// Query: what kind of id `user_ids` holds (the platform defaults to `open_id`).
    #[serde(default, skip_serializing)]
    pub user_id_type: Option<UserIdType>,
    /// The card (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_feed_card: Option<AppFeedCard>,
    /// The users who get the card, 1 to 20 (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

impl CreateAppFeedCardRequest {
    /// A request to put `card` into the feeds of `user_ids`.
    pub fn new(card: AppFeedCard, user_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            user_id_type: None,
            app_feed_card: Some(card),
            user_ids: Some(user_ids.into_iter().map(Into::into).collect()),
        }
    }

    /// Sets what kind of id `user_ids` holds.
    pub fn user_id_type(mut self, user_id_type: UserIdType) -> Self {
        self.user_id_type = Some(user_id_type);
        self
    }

    /// The query parameters to send (`user_id_type` only when set).
    pub fn query(&self) -> Vec<(&'static str, String)> {
        self.user_id_type.iter().map(|kind| ("user_id_type", kind.as_str().to_owned())).collect()
    }

    /// Checks every documented rule; reports all violations together.
    ///
    /// The page's field table marks `app_feed_card` and `user_ids` optional, so either may
    /// be left out; `user_ids`, when given, holds 1 to 20 ids. A card given needs
    /// `app_feed_card.link.link` (the page's description says it is required on create,
    /// although its field table marks `link` optional).
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        if let Some(user_id_type) = &self.user_id_type {
            v.known("user_id_type", user_id_type);
        }
        if let Some(card) = &self.app_feed_card {
            card.check(&mut v, "app_feed_card");
            match &card.link {
                None => v.push("app_feed_card.link", Rule::Required, "is required when creating a card"),
                Some(link) if link.link.is_none() => {
                    v.push("app_feed_card.link.link", Rule::Required, "is required when creating a card");
                }
                Some(_) => {}
            }
        }
        if let Some(ids) = &self.user_ids {
            let (min, max) = USER_IDS_COUNT;
            v.items("user_ids", ids.len(), min, max);
            check_user_ids(&mut v, ids);
        }
        v.finish()
    }
}

/// No user id empty or holding a control character.
pub(crate) fn check_user_ids(v: &mut Validator, ids: &[String]) {
    for (i, id) in ids.iter().enumerate() {
        if id.is_empty() {
            v.push(format!("user_ids[{i}]"), Rule::Required, "must not be empty");
        } else {
            v.no_control(format!("user_ids[{i}]"), id);
        }
    }
}

/// An app feed card: what the user sees in the feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppFeedCard {
    /// Your business id for the card, up to 200 characters; the platform assigns one if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_id: Option<String>,
    /// Main title, up to 60 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Avatar image key, up to 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_key: Option<String>,
    /// Preview line, up to 120 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// Status label; without it the feed shows the time the card arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_label: Option<StatusLabel>,
    /// Up to two buttons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buttons: Option<AppFeedCardButtons>,
    /// Where tapping the card leads (required when creating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<AppFeedLink>,
    /// Whether the card is pinned to the top of the feed for now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_sensitive: Option<bool>,
    /// Notification settings; without them the user is notified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<AppFeedNotify>,
}

impl AppFeedCard {
    /// A card that opens `link` (an https URL) when tapped.
    pub fn new(link: impl Into<String>) -> Self {
        Self { link: Some(AppFeedLink { link: Some(link.into()) }), ..Self::default() }
    }

    /// Sets the business id.
    pub fn biz_id(mut self, biz_id: impl Into<String>) -> Self {
        self.biz_id = Some(biz_id.into());
        self
    }

    /// Sets the main title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the avatar image key.
    pub fn avatar_key(mut self, avatar_key: impl Into<String>) -> Self {
        self.avatar_key = Some(avatar_key.into());
        self
    }

    /// Sets the preview line.
    pub fn preview(mut self, preview: impl Into<String>) -> Self {
        self.preview = Some(preview.into());
        self
    }

    /// Sets the status label.
    pub fn status_label(mut self, status_label: StatusLabel) -> Self {
        self.status_label = Some(status_label);
        self
    }

    /// Adds a button.
    pub fn button(mut self, button: AppFeedCardButton) -> Self {
        self.buttons.get_or_insert_with(AppFeedCardButtons::default).buttons.push(button);
        self
    }

    /// Sets whether the card is pinned to the top of the feed for now.
    pub fn time_sensitive(mut self, time_sensitive: bool) -> Self {
        self.time_sensitive = Some(time_sensitive);
        self
    }

    /// Sets the notification settings.
    pub fn notify(mut self, notify: AppFeedNotify) -> Self {
        self.notify = Some(notify);
        self
    }

    /// Checks the field rules (not what only creating requires) below `path`.
    fn check(&self, v: &mut Validator, path: &str) {
        let limits = [
            ("biz_id", &self.biz_id, BIZ_ID_MAX),
            ("title", &self.title, TITLE_MAX),
            ("avatar_key", &self.avatar_key, AVATAR_KEY_MAX),
            ("preview", &self.preview, PREVIEW_MAX),
        ];
        for (field, value, max) in limits {
            if let Some(value) = value {
                v.chars(join(path, field), value, 0, max);
            }
        }
        if let Some(biz_id) = &self.biz_id {
            v.no_control(join(path, "biz_id"), biz_id);
        }
        if let Some(label) = &self.status_label {
            let (min, max) = LABEL_TEXT_CHARS;
            v.chars(join(path, "status_label.text"), &label.text, min, max);
            v.known(join(path, "status_label.type"), &label.label_type);
        }
        if let Some(buttons) = &self.buttons {
            let list = join(path, "buttons.buttons");
            v.items(&list, buttons.buttons.len(), 0, BUTTONS_MAX);
            for (i, button) in buttons.buttons.iter().enumerate() {
                button.check(v, &format!("{list}[{i}]"));
            }
        }
        if let Some(link) = self.link.as_ref().and_then(|link| link.link.as_ref()) {
            check_url(v, &join(path, "link.link"), link);
        }
        if let Some(text) = self.notify.as_ref().and_then(|notify| notify.custom_sound_text.as_ref()) {
            v.chars(join(path, "notify.custom_sound_text"), text, 0, SOUND_TEXT_MAX);
        }
    }
}

/// A URL: at most [`URL_MAX`] characters, and https.
fn check_url(v: &mut Validator, path: &str, url: &str) {
    v.chars(path, url, 0, URL_MAX);
    v.https_url(path, url);
}

string_enum! {
    /// `status_label.type`: the label's colour.
    pub enum StatusLabelType {
        /// Primary (blue), the default.
        Primary = "primary",
        /// Secondary (grey).
        Secondary = "secondary",
        /// Success (green).
        Success = "success",
        /// Danger (red).
        Danger = "danger",
    }
}

/// A card's status label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StatusLabel {
    /// The label's text, 1 to 20 characters.
    pub text: String,
    /// The label's colour (`type` on the wire).
    #[serde(rename = "type")]
    pub label_type: StatusLabelType,
}

impl StatusLabel {
    /// A label showing `text` in the colour of `label_type`.
    pub fn new(text: impl Into<String>, label_type: StatusLabelType) -> Self {
        Self { text: text.into(), label_type }
    }
}

/// A card's buttons.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppFeedCardButtons {
    /// Up to two buttons.
    pub buttons: Vec<AppFeedCardButton>,
}

string_enum! {
    /// `action_type` of a button: what tapping it does.
    pub enum ActionType {
        /// Opens the button's URL.
        UrlPage = "url_page",
        /// Calls the app back.
        Webhook = "webhook",
    }
}

string_enum! {
    /// `button_type`: a button's style.
    pub enum ButtonType {
        /// The default style.
        Default = "default",
        /// Primary.
        Primary = "primary",
        /// Success.
        Success = "success",
    }
}

/// One button of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppFeedCardButton {
    /// Where the button leads, per platform (https only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_url: Option<AppFeedCardUrl>,
    /// What tapping the button does.
    pub action_type: ActionType,
    /// The button's label.
    pub text: AppFeedCardText,
    /// The button's style (default `default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_type: Option<ButtonType>,
    /// Values passed along with the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_map: Option<IndexMap<String, String>>,
}

impl AppFeedCardButton {
    /// A button labelled `text` that does `action_type`.
    pub fn new(action_type: ActionType, text: impl Into<String>) -> Self {
        Self {
            multi_url: None,
            action_type,
            text: AppFeedCardText { text: text.into() },
            button_type: None,
            action_map: None,
        }
    }

    /// Sets where the button leads.
    pub fn multi_url(mut self, multi_url: AppFeedCardUrl) -> Self {
        self.multi_url = Some(multi_url);
        self
    }

    /// Sets the button's style.
    pub fn button_type(mut self, button_type: ButtonType) -> Self {
        self.button_type = Some(button_type);
        self
    }

    /// Adds a value passed along with the action.
    pub fn action(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.action_map.get_or_insert_with(IndexMap::new).insert(key.into(), value.into());
        self
    }

    fn check(&self, v: &mut Validator, path: &str) {
        if let Some(urls) = &self.multi_url {
            let fields = [
                ("url", &urls.url),
                ("android_url", &urls.android_url),
                ("ios_url", &urls.ios_url),
                ("pc_url", &urls.pc_url),
            ];
            for (field, url) in fields {
                if let Some(url) = url {
                    check_url(v, &format!("{path}.multi_url.{field}"), url);
                }
            }
        }
        v.known(join(path, "action_type"), &self.action_type);
        let (min, max) = BUTTON_TEXT_CHARS;
        v.chars(join(path, "text.text"), &self.text.text, min, max);
        if let Some(button_type) = &self.button_type {
            v.known(join(path, "button_type"), button_type);
        }
    }
}

/// A button's URLs: a default and per-platform overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppFeedCardUrl {
    /// The default URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The URL on Android.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub android_url: Option<String>,
    /// The URL on iOS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ios_url: Option<String>,
    /// The URL on desktop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pc_url: Option<String>,
}

impl AppFeedCardUrl {
    /// URLs with `url` as the default for every platform.
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: Some(url.into()), ..Self::default() }
    }

    /// Sets the URL on Android.
    pub fn android_url(mut self, url: impl Into<String>) -> Self {
        self.android_url = Some(url.into());
        self
    }

    /// Sets the URL on iOS.
    pub fn ios_url(mut self, url: impl Into<String>) -> Self {
        self.ios_url = Some(url.into());
        self
    }

    /// Sets the URL on desktop.
    pub fn pc_url(mut self, url: impl Into<String>) -> Self {
        self.pc_url = Some(url.into());
        self
    }
}

/// A button's label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppFeedCardText {
    /// The text, 1 to 30 characters.
    pub text: String,
}

/// Where tapping a card leads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppFeedLink {
    /// An https URL or an app link, up to 700 characters (required when creating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// A card's notification settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppFeedNotify {
    /// Whether not to notify the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_notify: Option<bool>,
    /// Text read aloud on mobile, up to 20 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_sound_text: Option<String>,
    /// Whether to read `custom_sound_text` aloud (mobile only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_custom_sound: Option<bool>,
}

impl AppFeedNotify {
    /// Sets whether not to notify the user.
    pub fn close_notify(mut self, close_notify: bool) -> Self {
        self.close_notify = Some(close_notify);
        self
    }

    /// Sets the text read aloud and turns reading it on.
    pub fn custom_sound(mut self, text: impl Into<String>) -> Self {
        self.custom_sound_text = Some(text.into());
        self.with_custom_sound = Some(true);
        self
    }
}

/// The result of creating app feed cards (its `data`); every field may be missing or
/// `null` in the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CreateAppFeedCardResult {
    /// The users whose card could not be created.
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub failed_cards: Vec<FailedCard>,
    /// The card's business id (yours, or the one the platform assigned), when the answer
    /// names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_id: Option<String>,
}

/// A card that could not be created for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FailedCard {
    /// The card's business id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_id: Option<String>,
    /// The user concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<FailedCardReason>,
}

/// Why a card failed, exactly as the platform sent it.
///
/// The field table documents codes `"0"` to `"4"`, while the page's own example sends
/// names such as `"NOT_CREATED"`; both decode, and encoding gives back exactly what was
/// received (a JSON number stays a number). [`FailedCardReason::kind`] interprets it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FailedCardReason {
    raw: String,
    number: bool,
}

impl FailedCardReason {
    /// A reason with the wire form `raw` (a code such as `"2"` or a name such as `"NOT_CREATED"`).
    pub fn new(raw: impl Into<String>) -> Self {
        Self { raw: raw.into(), number: false }
    }

    /// The reason as sent, e.g. `"2"` or `"NOT_CREATED"`.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// What the reason means.
    ///
    /// Codes follow the field table; names are the codes' meanings in SCREAMING_SNAKE_CASE
    /// (`UNKNOWN`, `NO_PERMISSION`, `NOT_CREATED`, `RATE_LIMITED`, `DUPLICATED`, plus
    /// `RATE_LIMIT` and `DUPLICATE`), compared ignoring ASCII case. Only `NOT_CREATED` is
    /// attested by the docs; the other names are inferred.
    pub fn kind(&self) -> FailedCardReasonKind {
        let raw = self.raw.as_str();
        let is = |names: &[&str]| names.iter().any(|name| raw.eq_ignore_ascii_case(name));
        if is(&["0", "UNKNOWN"]) {
            FailedCardReasonKind::Unknown
        } else if is(&["1", "NO_PERMISSION"]) {
            FailedCardReasonKind::NoPermission
        } else if is(&["2", "NOT_CREATED"]) {
            FailedCardReasonKind::NotCreated
        } else if is(&["3", "RATE_LIMITED", "RATE_LIMIT"]) {
            FailedCardReasonKind::RateLimited
        } else if is(&["4", "DUPLICATED", "DUPLICATE"]) {
            FailedCardReasonKind::Duplicated
        } else {
            FailedCardReasonKind::Other
        }
    }
}

impl Display for FailedCardReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for FailedCardReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.raw.parse::<serde_json::Number>() {
            Ok(number) if self.number => number.serialize(serializer),
            _ => serializer.serialize_str(&self.raw),
        }
    }
}

impl<'de> Deserialize<'de> for FailedCardReason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(raw) => Ok(Self { raw, number: false }),
            serde_json::Value::Number(number) => Ok(Self { raw: number.to_string(), number: true }),
            other => Err(serde::de::Error::custom(format!("expected a string or a number, got {other}"))),
        }
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for FailedCardReason {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FailedCardReason".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Why a card failed, as the platform sent it: a code (\"2\") or a name (\"NOT_CREATED\").",
            "type": ["string", "integer"],
        })
    }
}

/// What a [`FailedCardReason`] means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailedCardReasonKind {
    /// `0`: the platform does not know why.
    Unknown,
    /// `1`: no permission.
    NoPermission,
    /// `2`: the card was not created.
    NotCreated,
    /// `3`: rate limited.
    RateLimited,
    /// `4`: a duplicate.
    Duplicated,
    /// A reason this version of larkmsg does not know.
    Other,
}

impl FailedCardReasonKind {
    /// The snake_case name of the kind, shared by every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::NoPermission => "no_permission",
            Self::NotCreated => "not_created",
            Self::RateLimited => "rate_limited",
            Self::Duplicated => "duplicated",
            Self::Other => "other",
        }
    }
}
