//! How a client authenticates ([`Credentials`]) and where a store app's `app_ticket`
//! comes from.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::secret::Secret;

/// Gives the latest `app_ticket` the platform pushed to a store app (hourly, as the event
/// `{"type":"event_callback","event":{"app_ticket":…,"type":"app_ticket"}}`).
#[async_trait]
pub trait AppTicketSource: Send + Sync {
    /// The latest ticket, or `None` when none has arrived yet.
    async fn app_ticket(&self) -> Option<Secret>;
}

/// An [`AppTicketSource`] that holds the ticket your event handler last gave it.
#[derive(Debug, Default)]
pub struct AppTicketCell {
    ticket: Mutex<Option<Secret>>,
}

impl AppTicketCell {
    /// An empty cell.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps a ticket pushed by the platform.
    pub fn set(&self, ticket: impl Into<Secret>) {
        let ticket = ticket.into();
        *crate::fork::lock(&self.ticket) = Some(ticket);
    }
}

#[async_trait]
impl AppTicketSource for AppTicketCell {
    async fn app_ticket(&self) -> Option<Secret> {
        crate::fork::lock(&self.ticket).clone()
    }
}

/// How a client authenticates.
#[derive(Clone)]
pub(crate) enum Credentials {
    /// A self-built (custom) app.
    SelfBuilt { app_id: String, app_secret: Secret },
    /// A store (ISV) app installed by the tenant `tenant_key`.
    Store { app_id: String, app_secret: Secret, tenant_key: String, tickets: Arc<dyn AppTicketSource> },
    /// A ready tenant access token, used as is.
    Token(Secret),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SelfBuilt { app_id, .. } => {
                write!(f, "SelfBuilt {{ app_id: {app_id:?}, app_secret: *** }}")
            }
            Self::Store { app_id, tenant_key, .. } => {
                write!(f, "Store {{ app_id: {app_id:?}, tenant_key: {tenant_key:?}, app_secret: *** }}")
            }
            Self::Token(_) => f.write_str("Token(***)"),
        }
    }
}
