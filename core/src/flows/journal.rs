//! A campaign's journal: a file of the receivers already sent to, so that a rerun after a
//! crash skips them (one JSON object a line, appended as each send is confirmed).
//!
//! The first line names the campaign (`{"campaign_id", "receive_id_type"}`), each further
//! line one confirmed send (`{"receive_id", "message_id"}`). A line cut short by a crash is
//! ignored. Lines are written as sends are confirmed, without `fsync`: they survive the
//! death of the process, not of the machine; what a journal misses, the campaign's
//! `uuid`s cover within the platform's hour.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate::{Rule, Violation, Violations};

#[derive(Serialize, Deserialize)]
struct Header {
    campaign_id: String,
    receive_id_type: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    receive_id: String,
    message_id: String,
}

/// An open journal, appending.
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    failed: bool,
}

fn journal_error(message: String) -> Error {
    Error::from(Violations::from(Violation { path: "journal".into(), rule: Rule::Format, message }))
}

impl Journal {
    /// Opens (or starts) the journal of a campaign and reads the sends it holds: receiver
    /// to message id.
    ///
    /// # Errors
    /// `invalid_argument` (path `journal`) when the file cannot be read or written, or
    /// belongs to another campaign.
    pub(crate) fn open(
        path: &Path,
        campaign_id: &str,
        receive_id_type: &str,
    ) -> Result<(Self, HashMap<String, String>)> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(journal_error(format!("cannot read {}: {error}", path.display()))),
        };
        let mut lines = text.lines();
        let header = lines.next().map(serde_json::from_str::<Header>);
        match &header {
            Some(Ok(header))
                if header.campaign_id != campaign_id || header.receive_id_type != receive_id_type =>
            {
                return Err(journal_error(format!(
                    "{} is the journal of campaign {:?} ({}), not {campaign_id:?} ({receive_id_type})",
                    path.display(),
                    header.campaign_id,
                    header.receive_id_type
                )));
            }
            Some(Err(_)) if !text.trim().is_empty() => {
                return Err(journal_error(format!("{} is not a campaign journal", path.display())));
            }
            _ => {}
        }
        let sent = lines
            .filter_map(|line| serde_json::from_str::<Entry>(line).ok())
            .map(|entry| (entry.receive_id, entry.message_id))
            .collect();
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|error| journal_error(format!("cannot write {}: {error}", path.display())))?;
        let starts = !matches!(header, Some(Ok(_)));
        if starts || !text.ends_with('\n') && !text.is_empty() {
            // A fresh journal gets its header; one cut short mid-line gets a line end first.
            let mut start =
                if text.is_empty() || text.ends_with('\n') { String::new() } else { "\n".to_owned() };
            if starts {
                let header = Header {
                    campaign_id: campaign_id.to_owned(),
                    receive_id_type: receive_id_type.to_owned(),
                };
                start.push_str(&serde_json::to_string(&header).unwrap_or_default());
                start.push('\n');
            }
            file.write_all(start.as_bytes())
                .map_err(|error| journal_error(format!("cannot write {}: {error}", path.display())))?;
        }
        Ok((Self { path: path.to_owned(), file, failed: false }, sent))
    }

    /// Records a confirmed send; a failure to write is logged once and the campaign goes on
    /// (its `uuid`s still prevent a second message within the hour).
    pub(crate) fn record(&mut self, receive_id: &str, message_id: &str) {
        let entry = Entry { receive_id: receive_id.to_owned(), message_id: message_id.to_owned() };
        let mut line = serde_json::to_string(&entry).unwrap_or_default();
        line.push('\n');
        if let Err(error) = self.file.write_all(line.as_bytes())
            && !self.failed
        {
            self.failed = true;
            tracing::warn!(target: "larkmsg::campaign", journal = %self.path.display(), %error, "cannot write the campaign journal");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_survives_a_torn_line_and_refuses_another_campaign() {
        let dir = std::env::temp_dir().join(format!("larkmsg-journal-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c1.jsonl");
        let (mut journal, sent) = Journal::open(&path, "c1", "open_id").unwrap();
        assert!(sent.is_empty());
        journal.record("ou_1", "om_1");
        journal.record("ou_2", "om_2");
        drop(journal);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"receive_id\":\"ou_3\",\"mes")
            .unwrap();
        let (mut journal, sent) = Journal::open(&path, "c1", "open_id").unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent["ou_2"], "om_2");
        journal.record("ou_3", "om_3");
        drop(journal);
        let (_, sent) = Journal::open(&path, "c1", "open_id").unwrap();
        assert_eq!(sent.len(), 3);
        let other = Journal::open(&path, "c2", "open_id").unwrap_err();
        assert_eq!(other.violations()[0].path, "journal");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
