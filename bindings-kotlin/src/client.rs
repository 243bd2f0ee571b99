//! [`NativeClient`]: the core's client behind the Kotlin `Client`, built from credentials
//! and the generated options record; calls by name with JSON, and the typed calls of
//! `operations.rs` go through [`NativeClient::call_typed`].

use std::sync::{Arc, PoisonError, RwLock};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use larkmsg::{CallExtras, ReceiveIdType, SendMessage, SendMessageRequest};

use crate::bridge;
use crate::error::NativeError;
use crate::json;
use crate::models::{ClientOptions, Message};

/// The core's client, shared by any number of threads and coroutines. Kotlin code uses it
/// through `Client`, which gives its failures as `LarkException`s.
#[derive(uniffi::Object)]
pub struct NativeClient {
    /// The client; `None` once closed.
    inner: RwLock<Option<larkmsg::Client>>,
}

/// A client from the credentials (a JSON object of the core's option names) and the
/// options record, merged into the core's `ClientOptions` JSON.
fn build(credentials: Value, options: &ClientOptions) -> Result<Arc<NativeClient>, NativeError> {
    let mut merged = match json::request(options)? {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    if let Value::Object(credentials) = credentials {
        merged.extend(credentials);
    }
    NativeClient::built(larkmsg::ClientOptions::from_json(Value::Object(merged))?)
}

#[uniffi::export]
impl NativeClient {
    /// A client of a self-built app, authenticated by its `app_id` and `app_secret`.
    #[uniffi::constructor]
    pub fn app(app_id: String, app_secret: String, options: ClientOptions) -> Result<Arc<Self>, NativeError> {
        build(json!({"app_id": app_id, "app_secret": app_secret}), &options)
    }

    /// A client of a store (ISV) app installed by `tenant_key`; give it each `app_ticket`
    /// the platform pushes with [`NativeClient::set_app_ticket`].
    #[uniffi::constructor]
    pub fn store_app(
        app_id: String,
        app_secret: String,
        tenant_key: String,
        app_ticket: Option<String>,
        options: ClientOptions,
    ) -> Result<Arc<Self>, NativeError> {
        build(
            json!({"app_id": app_id, "app_secret": app_secret, "tenant_key": tenant_key, "app_ticket": app_ticket}),
            &options,
        )
    }

    /// A client that sends with a ready tenant access token (it cannot fetch another).
    #[uniffi::constructor]
    pub fn with_tenant_access_token(token: String, options: ClientOptions) -> Result<Arc<Self>, NativeError> {
        build(json!({"tenant_access_token": token}), &options)
    }

    /// A client from the core's options as JSON text (`app_id`, `app_secret`, `base_url`,
    /// `retry`, … snake_case, as the other bindings pass them): for options kept as JSON.
    #[uniffi::constructor]
    pub fn from_options_json(options_json: String) -> Result<Arc<Self>, NativeError> {
        Self::built(larkmsg::ClientOptions::from_json(json::parse("the options", &options_json)?)?)
    }

    /// Runs the call `name` with its flat request (JSON text: path parameters, query
    /// parameters and body fields together); gives its result as JSON text.
    pub async fn call(&self, name: String, request_json: String) -> Result<String, NativeError> {
        let request = json::parse("the request", &request_json)?;
        let client = self.client()?;
        let output =
            bridge::run(async move { client.call_output(&name, request, CallExtras::default()).await })
                .await?;
        Ok(output.into_json()?)
    }

    /// [`NativeClient::call`], blocking the calling thread.
    pub fn call_blocking(&self, name: String, request_json: String) -> Result<String, NativeError> {
        let request = json::parse("the request", &request_json)?;
        let output = bridge::block(self.client()?.call_output(&name, request, CallExtras::default()))?;
        Ok(output.into_json()?)
    }

    /// Sends a plain text message to one receiver (`receive_id_type`: `open_id`,
    /// `union_id`, `user_id`, `email` or `chat_id`); without a `uuid`, the core gives one.
    pub async fn send_text(
        &self,
        receive_id_type: String,
        receive_id: String,
        text: String,
        uuid: Option<String>,
    ) -> Result<Message, NativeError> {
        let request = text_request(&receive_id_type, receive_id, text, uuid);
        let client = self.client()?;
        let output = bridge::run(async move { client.call_output_of::<SendMessage>(request).await }).await?;
        json::result(output.into_value()?)
    }

    /// [`NativeClient::send_text`], blocking the calling thread.
    pub fn send_text_blocking(
        &self,
        receive_id_type: String,
        receive_id: String,
        text: String,
        uuid: Option<String>,
    ) -> Result<Message, NativeError> {
        let request = text_request(&receive_id_type, receive_id, text, uuid);
        let output = bridge::block(self.client()?.call_output_of::<SendMessage>(request))?;
        json::result(output.into_value()?)
    }

    /// Gives a store app the latest `app_ticket` the platform pushed.
    pub fn set_app_ticket(&self, app_ticket: String) -> Result<(), NativeError> {
        Ok(self.client()?.set_app_ticket(app_ticket)?)
    }

    /// Closes the client: its connections are released when no call uses them any more,
    /// and later calls fail with a `config` error.
    pub fn shutdown(&self) {
        self.inner.write().unwrap_or_else(PoisonError::into_inner).take();
    }
}

/// Send message's request for a plain text (the core checks it as any send).
fn text_request(
    receive_id_type: &str,
    receive_id: String,
    text: String,
    uuid: Option<String>,
) -> SendMessageRequest {
    let request = SendMessageRequest::text(ReceiveIdType::from(receive_id_type), receive_id, text);
    match uuid {
        Some(uuid) => request.uuid(uuid),
        None => request,
    }
}

impl NativeClient {
    fn built(options: larkmsg::ClientOptions) -> Result<Arc<Self>, NativeError> {
        Ok(Arc::new(Self { inner: RwLock::new(Some(options.build()?)) }))
    }

    /// The client, unless it was closed.
    pub(crate) fn client(&self) -> Result<larkmsg::Client, NativeError> {
        let guard = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let client = guard
            .as_ref()
            .ok_or_else(|| larkmsg::Error::new(larkmsg::ErrorKind::Config, "the client is closed"))?;
        Ok(client.clone())
    }

    /// Runs the call `name` with a request record and gives its result record.
    pub(crate) async fn call_typed<Q: Serialize, R: DeserializeOwned + json::Answer>(
        &self,
        name: &'static str,
        request: &Q,
    ) -> Result<R, NativeError> {
        let request = json::request(request)?;
        let client = self.client()?;
        json::result(bridge::run(async move { client.call_json(name, request).await }).await?)
    }

    /// [`NativeClient::call_typed`], blocking the calling thread.
    pub(crate) fn call_typed_blocking<Q: Serialize, R: DeserializeOwned + json::Answer>(
        &self,
        name: &'static str,
        request: &Q,
    ) -> Result<R, NativeError> {
        json::result(bridge::block(self.client()?.call_json(name, json::request(request)?))?)
    }
}
