//! Campaigns: one message sent to each of many receivers individually, at the full
//! documented pace, that a rerun after a crash completes without sending anyone twice.
//!
//! Each receiver's message carries a `uuid` derived from the campaign id and the receiver
//! ([`campaign_uuid`]), so a rerun of the same campaign repeats the very requests that may
//! have gone out, and the platform keeps at most one message per `uuid`: for one hour. A
//! rerun within the hour therefore sends each receiver exactly once. With a journal, the
//! receivers whose send was confirmed are skipped (no request at all), which keeps a
//! rerun as fast as the rest of the campaign and protects them beyond the hour too; sends
//! that were in flight when the process died are covered by their `uuid` alone.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::chunks::{DEFAULT_CONCURRENCY, drive, unique};
use super::journal::Journal;
use super::progress::{OnProgress, Progress};
use crate::api::{BodySize, SendMessageRequest, check_message_body};
use crate::client::Client;
use crate::enums::{MsgType, ReceiveIdType};
use crate::error::{Error, Result};
use crate::validate::{Rule, Validator, Violations};

/// Longest campaign id, in characters.
const CAMPAIGN_ID_MAX: usize = 200;
/// Most sends in flight at once.
const CONCURRENCY_MAX: u32 = 256;

/// The namespace of campaign uuids (version 5).
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6c61_726b_6d73_4700_8000_6361_6d70_6169);

/// The `uuid` of a campaign's message to one receiver: the same for every run of the
/// campaign, different for every other campaign or receiver (a version 5 UUID of the
/// three).
pub fn campaign_uuid(campaign_id: &str, receive_id_type: &ReceiveIdType, receive_id: &str) -> String {
    let name = format!("{campaign_id}\n{}\n{receive_id}", receive_id_type.as_str());
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

/// A campaign: one message for each of many receivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CampaignRequest {
    /// The campaign's id, 1 to 200 characters: give the same id to a rerun.
    pub campaign_id: String,
    /// What kind of id the receivers are.
    pub receive_id_type: ReceiveIdType,
    /// The receivers, any number (repeats get one message).
    pub receive_ids: Vec<String>,
    /// What `content` holds.
    pub msg_type: MsgType,
    /// The message content, as send message takes it (a JSON object serialized to a string).
    pub content: String,
    /// A file that records each confirmed send, so that a rerun skips those receivers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub journal: Option<PathBuf>,
    /// Sends in flight at once, 1 to 256 (default 16); the quotas set the pace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
}

impl CampaignRequest {
    /// A campaign `campaign_id` sending `content` of `msg_type` to each of `receive_ids`.
    pub fn new(
        campaign_id: impl Into<String>,
        receive_id_type: ReceiveIdType,
        receive_ids: impl IntoIterator<Item = impl Into<String>>,
        msg_type: MsgType,
        content: impl Into<String>,
    ) -> Self {
        Self {
            campaign_id: campaign_id.into(),
            receive_id_type,
            receive_ids: receive_ids.into_iter().map(Into::into).collect(),
            msg_type,
            content: content.into(),
            journal: None,
            concurrency: None,
        }
    }

    /// Records confirmed sends in `path` and skips them on a rerun.
    #[must_use]
    pub fn journal(mut self, path: impl Into<PathBuf>) -> Self {
        self.journal = Some(path.into());
        self
    }

    /// Sets how many sends are in flight at once.
    #[must_use]
    pub fn concurrency(mut self, concurrency: u32) -> Self {
        self.concurrency = Some(concurrency);
        self
    }

    /// Checks the campaign id, the receivers and the message (as send message does);
    /// reports all violations together.
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> std::result::Result<(), Violations> {
        let mut v = Validator::new();
        v.chars("campaign_id", &self.campaign_id, 1, CAMPAIGN_ID_MAX);
        v.known("receive_id_type", &self.receive_id_type);
        v.items("receive_ids", self.receive_ids.len(), 1, usize::MAX);
        for (i, _) in self.receive_ids.iter().enumerate().filter(|(_, id)| id.is_empty()) {
            v.push(format!("receive_ids[{i}]"), Rule::Required, "must not be empty");
        }
        // The largest body of the campaign: the one to the longest receiver id, with the
        // uuid every send carries.
        let longest = self.receive_ids.iter().max_by_key(|id| id.len()).map_or("", String::as_str);
        let body = SendMessageRequest::new(
            self.receive_id_type.clone(),
            longest,
            self.msg_type.clone(),
            self.content.as_str(),
        );
        let strings = [longest, self.msg_type.as_str(), &self.content];
        check_message_body(&mut v, &self.msg_type, &self.content, None, BodySize::of(&body, false, &strings));
        if let Some(concurrency) = self.concurrency
            && !(1..=CONCURRENCY_MAX).contains(&concurrency)
        {
            v.push("concurrency", Rule::Format, format!("must be 1 to {CONCURRENCY_MAX}, got {concurrency}"));
        }
        v.finish()
    }
}

/// What a campaign did, per receiver.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CampaignReport {
    /// The campaign's id.
    pub campaign_id: String,
    /// The receivers sent to, with their message (in the order given).
    pub sent: Vec<CampaignSent>,
    /// The receivers whose send failed, with the error and whether it may have been sent
    /// (rerun the campaign to retry them: their `uuid` keeps them to one message).
    pub failed: Vec<CampaignFailure>,
    /// The receivers not tried: the campaign stopped after a failure every send would
    /// share (credentials, permissions). Rerun the campaign once it is fixed.
    pub pending: Vec<String>,
}

/// A receiver a campaign sent to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CampaignSent {
    /// The receiver.
    pub receive_id: String,
    /// Its message.
    pub message_id: String,
    /// Whether an earlier run had sent it (found in the journal; no request was made).
    pub resumed: bool,
}

/// A receiver whose send failed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CampaignFailure {
    /// The receiver.
    pub receive_id: String,
    /// Why it failed (the error's JSON form).
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Value"))]
    pub error: Error,
    /// Whether the message may have been sent although the call failed.
    pub maybe_sent: bool,
}

impl Client {
    /// Sends a campaign: `content` to each receiver individually, paced to send message's
    /// quotas (50 per second and 1000 per minute, several sends in flight), each with the
    /// `uuid` [`campaign_uuid`] derives from the campaign id and the receiver. Rerunning the
    /// same campaign after the process died sends each receiver exactly once, provided the
    /// rerun comes within the platform's one-hour `uuid` window (with a journal, the
    /// receivers it confirmed are skipped whenever the rerun comes).
    ///
    /// `progress` is told after each receiver.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] with every violation, or for a journal that
    /// cannot be used (nothing is sent); failures of single sends are in the report.
    pub async fn send_campaign(
        &self,
        request: CampaignRequest,
        mut progress: impl FnMut(&Progress) + Send,
    ) -> Result<CampaignReport> {
        request.validate()?;
        let kind = request.receive_id_type.as_str().to_owned();
        let (mut journal, confirmed) = match &request.journal {
            Some(path) => {
                let (journal, confirmed) = Journal::open(path, &request.campaign_id, &kind)?;
                (Some(journal), confirmed)
            }
            None => (None, Default::default()),
        };
        let receivers = unique(&request.receive_ids);
        let todo: Vec<String> = receivers.iter().filter(|id| !confirmed.contains_key(*id)).cloned().collect();
        let mut seen = Progress::new(receivers.len() as u64);
        seen.record((receivers.len() - todo.len()) as u64, true);
        progress(&seen);
        let concurrency = request.concurrency.map_or(DEFAULT_CONCURRENCY, |n| n as usize);
        let send = |receiver: &String| {
            let uuid = campaign_uuid(&request.campaign_id, &request.receive_id_type, receiver);
            let message = SendMessageRequest::new(
                request.receive_id_type.clone(),
                receiver.clone(),
                request.msg_type.clone(),
                request.content.clone(),
            )
            .uuid(uuid);
            self.send_message(message)
        };
        let outcomes = drive(&todo, concurrency, send, |receiver, outcome| {
            if let (Some(journal), Ok(message)) = (journal.as_mut(), outcome) {
                journal.record(receiver, &message.message_id);
            }
            seen.record(1, outcome.is_ok());
            progress(&seen);
        })
        .await;
        let mut outcome_of: std::collections::HashMap<&str, Option<Result<crate::api::Message>>> =
            todo.iter().map(String::as_str).zip(outcomes).collect();
        let mut report = CampaignReport {
            campaign_id: request.campaign_id.clone(),
            sent: Vec::new(),
            failed: Vec::new(),
            pending: Vec::new(),
        };
        for receiver in receivers {
            if let Some(message_id) = confirmed.get(&receiver) {
                report.sent.push(CampaignSent {
                    message_id: message_id.clone(),
                    receive_id: receiver,
                    resumed: true,
                });
                continue;
            }
            match outcome_of.remove(receiver.as_str()).flatten() {
                Some(Ok(message)) => {
                    report.sent.push(CampaignSent {
                        receive_id: receiver,
                        message_id: message.message_id,
                        resumed: false,
                    });
                }
                Some(Err(error)) => {
                    report.failed.push(CampaignFailure {
                        receive_id: receiver,
                        maybe_sent: error.maybe_sent(),
                        error,
                    });
                }
                None => report.pending.push(receiver),
            }
        }
        Ok(report)
    }

    /// [`Client::send_campaign`] for the bindings: progress as a boxed callback.
    pub(crate) async fn send_campaign_boxed(
        &self,
        request: CampaignRequest,
        mut progress: Option<OnProgress>,
    ) -> Result<CampaignReport> {
        self.send_campaign(request, |seen| {
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
    fn uuids_are_stable_per_campaign_and_receiver() {
        let a = campaign_uuid("spring", &ReceiveIdType::OpenId, "ou_1");
        assert_eq!(a, campaign_uuid("spring", &ReceiveIdType::OpenId, "ou_1"));
        assert_ne!(a, campaign_uuid("spring", &ReceiveIdType::OpenId, "ou_2"));
        assert_ne!(a, campaign_uuid("autumn", &ReceiveIdType::OpenId, "ou_1"));
        assert_ne!(a, campaign_uuid("spring", &ReceiveIdType::UserId, "ou_1"));
        assert_eq!(a.len(), 36);
    }

    #[test]
    fn campaigns_are_checked_whole() {
        let request =
            CampaignRequest::new("", ReceiveIdType::OpenId, ["ou_1", ""], MsgType::Text, r#"{"text":""}"#)
                .concurrency(0);
        let violations = request.validate().unwrap_err();
        let paths: Vec<&str> = violations.as_slice().iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["campaign_id", "receive_ids[1]", "content.text", "concurrency"]);
    }
}
