//! Which chat a receiver is: learnt from the answers to sends and replies, so that every
//! message to one chat counts against that chat's quota (5 per second, shared by its
//! bots), whether it was addressed by `chat_id`, by a user's id (the chat with that user)
//! or as a reply to a message in it.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::operation::Subject;

/// Receivers remembered before the map starts afresh (an idle receiver costs a few bytes).
const MAX_REMEMBERED: usize = 65_536;

/// The chats that users and messages were seen to land in.
#[derive(Debug, Default)]
pub(crate) struct Receivers {
    chats: Mutex<HashMap<String, String>>,
}

impl Receivers {
    /// The chat `subject` is known to be, or `subject` itself.
    pub(crate) fn resolve(&self, subject: Option<Subject>) -> Option<Subject> {
        let subject = subject?;
        let chats = crate::fork::lock(&self.chats);
        Some(match chats.get(&subject.id) {
            Some(chat_id) => Subject::chat(chat_id),
            None => subject,
        })
    }

    /// Remembers that the message `message_id`, sent to `subject`, landed in `chat_id`.
    pub(crate) fn learn(&self, subject: Option<&Subject>, message_id: &str, chat_id: &str) {
        if chat_id.is_empty() {
            return;
        }
        let message = (!message_id.is_empty()).then(|| Subject::message(message_id).id);
        let mut chats = crate::fork::lock(&self.chats);
        if chats.len() >= MAX_REMEMBERED {
            chats.clear();
        }
        // A user's chat is learnt once; a chat is its own.
        let is_the_chat = |subject: &&Subject| subject.id.strip_prefix("chat:") == Some(chat_id);
        if let Some(subject) = subject.filter(|s| !is_the_chat(s))
            && chats.get(&subject.id).map(String::as_str) != Some(chat_id)
        {
            chats.insert(subject.id.clone(), chat_id.to_owned());
        }
        if let Some(message) = message {
            chats.insert(message, chat_id.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_and_messages_resolve_to_the_chat_they_landed_in() {
        let receivers = Receivers::default();
        let user = Subject::user("open_id", "ou_1");
        assert_eq!(receivers.resolve(Some(user.clone())), Some(user.clone()));
        receivers.learn(Some(&user), "om_1", "oc_p2p");
        assert_eq!(receivers.resolve(Some(user)), Some(Subject::chat("oc_p2p")));
        assert_eq!(receivers.resolve(Some(Subject::message("om_1"))), Some(Subject::chat("oc_p2p")));
        assert_eq!(receivers.resolve(Some(Subject::message("om_2"))), Some(Subject::message("om_2")));
        assert_eq!(receivers.resolve(None), None);
    }

    #[test]
    fn a_chat_id_and_an_open_id_of_the_same_spelling_are_different_receivers() {
        assert_ne!(Subject::chat("x_1"), Subject::user("open_id", "x_1"));
        assert_ne!(Subject::user("user_id", "x_1"), Subject::user("open_id", "x_1"));
    }
}
