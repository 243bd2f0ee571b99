//! The quick start: sends a text, a post, a card entity, a batch and an app feed card.
//!
//! With `LARK_APP_ID` and `LARK_APP_SECRET` unset, it starts the bundled fake Feishu server
//! on 127.0.0.1 and prints what the fake received. With them set, it talks to the real
//! platform (`LARK_DOMAIN=lark` for Lark) and sends to `LARK_RECEIVE_ID` (an open_id).
//!
//! Run: `cargo run -p larkmsg --features fake --example quickstart`

use std::error::Error;

use larkmsg::api::{AppFeedCard, StatusLabel, StatusLabelType};
use larkmsg::card::{Card, Element, Header, HeaderTemplate};
use larkmsg::content::{InteractiveContent, PostContent, PostNode, TextContent};
use larkmsg::fake::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, FakeConfig, FakeServer};
use larkmsg::{
    BatchSendRequest, Client, CreateAppFeedCardRequest, CreateCardRequest, Domain, MessageContent,
    ReceiveIdType,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let (client, receiver, fake) = connect().await?;

    let text = client.send_text(ReceiveIdType::OpenId, &receiver, "Hello from larkmsg 👋").await?;
    println!("text        → message_id {}", text.message_id);

    let post = PostContent::builder()
        .locale(
            "zh_cn",
            Some("larkmsg 快速入门"),
            vec![vec![PostNode::text("富文本消息，"), PostNode::link("飞书", "https://www.feishu.cn")]],
        )
        .locale("en_us", Some("larkmsg quick start"), vec![vec![PostNode::text("A rich text message.")]])
        .build();
    let post = client.send(ReceiveIdType::OpenId, &receiver, &post.into()).await?;
    println!("post        → message_id {}", post.message_id);

    let card = Card::new()
        .header(Header::new("Deployment finished").subtitle("larkmsg").template(HeaderTemplate::Green))
        .element(Element::markdown("**All checks passed.** Sent as a card entity.").element_id("summary"));
    let created = client.create_card(CreateCardRequest::card_json(card.to_json_string())).await?;
    let entity = MessageContent::from(InteractiveContent::card_entity(&created.card_id));
    let sent = client.send(ReceiveIdType::OpenId, &receiver, &entity).await?;
    println!("card entity → card_id {} sent as message_id {}", created.card_id, sent.message_id);

    let batch = MessageContent::from(TextContent::new("A batch message from larkmsg")).to_batch()?;
    let batch = client.batch_send(BatchSendRequest::from(batch).open_ids([receiver.clone()])).await?;
    println!(
        "batch       → message_id {} (invalid open_ids: {:?})",
        batch.message_id, batch.invalid_open_ids
    );

    let feed_card = AppFeedCard::new("https://www.feishu.cn/")
        .title("larkmsg quick start")
        .preview("An app feed card")
        .status_label(StatusLabel::new("Done", StatusLabelType::Success));
    let feed =
        client.create_app_feed_card(CreateAppFeedCardRequest::new(feed_card, [receiver.clone()])).await?;
    println!(
        "feed card   → biz_id {} (failed: {})",
        feed.biz_id.as_deref().unwrap_or("(none)"),
        feed.failed_cards.len()
    );

    if let Some(fake) = fake {
        let inbox = fake.inbox();
        println!("\nThe fake Feishu server received:");
        println!("{}", serde_json::to_string_pretty(&inbox)?);
    }
    Ok(())
}

/// A client for the real platform when credentials are set, else for a fake started here.
async fn connect() -> Result<(Client, String, Option<FakeServer>), Box<dyn Error>> {
    match (std::env::var("LARK_APP_ID"), std::env::var("LARK_APP_SECRET")) {
        (Ok(app_id), Ok(app_secret)) => {
            let receiver = std::env::var("LARK_RECEIVE_ID")
                .map_err(|_| "set LARK_RECEIVE_ID to the open_id that should receive the messages")?;
            let domain = match std::env::var("LARK_DOMAIN").as_deref() {
                Ok("lark") => Domain::Lark,
                _ => Domain::Feishu,
            };
            println!("Sending to the real platform ({}) as {app_id}\n", domain.base_url());
            Ok((Client::builder(app_id, app_secret).domain(domain).build()?, receiver, None))
        }
        _ => {
            let fake = FakeServer::start(FakeConfig::default()).await?;
            println!("No LARK_APP_ID/LARK_APP_SECRET set: using the bundled fake at {}\n", fake.url());
            let client = Client::builder(DEFAULT_APP_ID, DEFAULT_APP_SECRET).base_url(fake.url()).build()?;
            Ok((client, "ou_quickstart_user".to_owned(), Some(fake)))
        }
    }
}
