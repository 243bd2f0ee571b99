//! App feed cards for any number of users: `create_app_feed_card_all`.

use serde::{Deserialize, Serialize};

use super::chunks::{DEFAULT_CONCURRENCY, drive, not_sent, slice, unique};
use super::progress::{OnProgress, Progress};
use crate::api::{
    AppFeedCard, CreateAppFeedCardRequest, FEED_CARD_USERS_MAX, FailedCard, ImageType, UploadImageRequest,
    check_image, check_user_ids,
};
use crate::client::Client;
use crate::enums::UserIdType;
use crate::error::{Error, Result};
use crate::file::FileSource;
use crate::validate::{Rule, Validator, Violations};

/// Create app feed cards for any number of users, optionally with an avatar to upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateAppFeedCardAllRequest {
    /// What kind of id `user_ids` holds (the platform defaults to `open_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id_type: Option<UserIdType>,
    /// The card; its `biz_id`, when given, is the `biz_id` of every call.
    pub app_feed_card: AppFeedCard,
    /// The users who get the card, any number (repeats count once).
    pub user_ids: Vec<String>,
    /// An image to upload as the card's avatar (`image_type` `avatar`, at most
    /// 4096 × 4096) instead of giving `app_feed_card.avatar_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<FileSource>,
}

impl CreateAppFeedCardAllRequest {
    /// A request to put `card` into the feeds of `user_ids`.
    pub fn new(card: AppFeedCard, user_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            user_id_type: None,
            app_feed_card: card,
            user_ids: user_ids.into_iter().map(Into::into).collect(),
            avatar: None,
        }
    }

    /// Uploads `avatar` as the card's avatar.
    #[must_use]
    pub fn avatar(mut self, avatar: impl Into<FileSource>) -> Self {
        self.avatar = Some(avatar.into());
        self
    }

    /// The create calls: the users without repeats in slices of 20, after checking every
    /// rule of create but the number of users, and the avatar.
    fn calls(&self) -> std::result::Result<Vec<CreateAppFeedCardRequest>, Violations> {
        let mut v = Validator::new();
        let users = unique(&self.user_ids);
        if users.is_empty() {
            v.push("user_ids", Rule::Items, "must have at least 1 item, got 0");
        }
        check_user_ids(&mut v, &self.user_ids);
        let calls: Vec<CreateAppFeedCardRequest> = (0..users.len().div_ceil(FEED_CARD_USERS_MAX))
            .map(|n| {
                let mut call = CreateAppFeedCardRequest::new(
                    self.app_feed_card.clone(),
                    slice(&users, n, FEED_CARD_USERS_MAX),
                );
                call.user_id_type = self.user_id_type.clone();
                call
            })
            .collect();
        let mut probe = CreateAppFeedCardRequest::new(self.app_feed_card.clone(), ["-"]);
        probe.user_id_type = self.user_id_type.clone();
        if let Err(violations) = probe.validate() {
            v.extend(violations);
        }
        if let Some(avatar) = &self.avatar {
            if self.app_feed_card.avatar_key.is_some() {
                v.push("avatar", Rule::Forbidden, "give avatar or app_feed_card.avatar_key, not both");
            }
            check_image(&mut v, "avatar", &ImageType::Avatar, avatar);
        }
        v.finish().map(|()| calls)
    }
}

/// The result of feed cards for any number of users: what every call gave, merged.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CreateAppFeedCardAllResult {
    /// The `biz_id` of each call that succeeded, in order (the card's own `biz_id` for
    /// every call when it has one; else one the platform assigned per call).
    pub biz_ids: Vec<String>,
    /// The users whose card could not be created, from every call.
    pub failed_cards: Vec<FailedCard>,
    /// Each call that failed, with its users and whether it may have created cards.
    pub failed: Vec<FailedFeedCards>,
    /// The key of the uploaded avatar, when one was uploaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_key: Option<String>,
}

/// A call of a [`CreateAppFeedCardAllResult`] that failed; never repeated automatically
/// when it may have created cards.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FailedFeedCards {
    /// Its users.
    pub user_ids: Vec<String>,
    /// Why it failed (the error's JSON form).
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Value"))]
    pub error: Error,
    /// Whether it may have created cards although it failed.
    pub maybe_sent: bool,
}

impl Client {
    /// Creates an app feed card for any number of users: uploads `avatar` first when
    /// given, splits the users into calls of at most 20 (repeats once), checks every call
    /// before making any, makes them paced to the feed card quota (10 per second), and
    /// gives one result: each call's `biz_id`, the merged `failed_cards`, and each call
    /// that failed with its users and whether it may have created cards (such a call is
    /// never repeated automatically).
    ///
    /// `progress` is told after each call, in users.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] with every violation (nothing is sent), or the
    /// avatar's upload failure; failures of single calls are in the result.
    pub async fn create_app_feed_card_all(
        &self,
        request: CreateAppFeedCardAllRequest,
        mut progress: impl FnMut(&Progress) + Send,
    ) -> Result<CreateAppFeedCardAllResult> {
        let mut calls = request.calls()?;
        let avatar_key = match request.avatar {
            Some(avatar) => {
                Some(self.upload_image(UploadImageRequest::new(ImageType::Avatar, avatar)).await?.image_key)
            }
            None => None,
        };
        for call in &mut calls {
            if let (Some(card), Some(key)) = (call.app_feed_card.as_mut(), &avatar_key) {
                card.avatar_key = Some(key.clone());
            }
        }
        let size = |call: &CreateAppFeedCardRequest| call.user_ids.as_ref().map_or(0, Vec::len) as u64;
        let mut seen = Progress::new(calls.iter().map(size).sum());
        progress(&seen);
        let outcomes = drive(
            &calls,
            DEFAULT_CONCURRENCY,
            |call| self.create_app_feed_card(call.clone()),
            |call, outcome| {
                seen.record(size(call), outcome.is_ok());
                progress(&seen);
            },
        )
        .await;
        let stopped = not_sent(&outcomes);
        let mut result = CreateAppFeedCardAllResult {
            biz_ids: Vec::new(),
            failed_cards: Vec::new(),
            failed: Vec::new(),
            avatar_key,
        };
        for (call, outcome) in calls.into_iter().zip(outcomes) {
            let error = match outcome {
                Some(Ok(created)) => {
                    // The answer names the biz_id; the request's stands in when it does not.
                    let asked = call.app_feed_card.as_ref().and_then(|card| card.biz_id.clone());
                    result.biz_ids.extend(created.biz_id.or(asked));
                    result.failed_cards.extend(created.failed_cards);
                    continue;
                }
                Some(Err(error)) => error,
                None => stopped.clone(),
            };
            let user_ids = call.user_ids.unwrap_or_default();
            result.failed.push(FailedFeedCards { user_ids, maybe_sent: error.maybe_sent(), error });
        }
        Ok(result)
    }

    /// [`Client::create_app_feed_card_all`] for the bindings: progress as a boxed callback.
    pub(crate) async fn create_app_feed_card_all_boxed(
        &self,
        request: CreateAppFeedCardAllRequest,
        mut progress: Option<OnProgress>,
    ) -> Result<CreateAppFeedCardAllResult> {
        self.create_app_feed_card_all(request, |seen| {
            if let Some(report) = progress.as_mut() {
                report(seen);
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_split_in_twenties_and_rules_are_checked_before() {
        let users: Vec<String> = (0..45).map(|i| format!("ou_{i}")).collect();
        let request =
            CreateAppFeedCardAllRequest::new(AppFeedCard::new("https://www.feishu.cn/").biz_id("b1"), users);
        let calls = request.calls().unwrap();
        let sizes: Vec<usize> = calls.iter().map(|c| c.user_ids.as_ref().unwrap().len()).collect();
        assert_eq!(sizes, [20, 20, 5]);
        assert!(calls.iter().all(|c| c.app_feed_card.as_ref().unwrap().biz_id.as_deref() == Some("b1")));
        let bad =
            CreateAppFeedCardAllRequest::new(AppFeedCard::new("http://x").avatar_key("k"), ["ou_1", ""])
                .avatar(crate::file::samples::png(5000, 5000));
        let violations = bad.calls().unwrap_err();
        let paths: Vec<&str> = violations.as_slice().iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["user_ids[1]", "app_feed_card.link.link", "avatar", "avatar"]);
    }
}
