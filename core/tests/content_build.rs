//! Building message content: byte-for-byte against the platform's examples, every node
//! type, locales, mentions, and decode → re-encode round trips.

use larkmsg::MsgType;
use larkmsg::content::{
    AudioContent, FileContent, ImageContent, InteractiveContent, MediaContent, MessageContent, PostContent,
    PostLocale, PostNode, PostTag, ShareChatContent, ShareUserContent, StickerContent, SystemContent,
    TextContent, TextStyle,
};
use serde_json::{Value, json};

/// message-create.md: the request body's `content`.
const SEND_TEXT: &str = r#"{"text":"test content"}"#;

/// message-create.md: the card example's `content` string.
const SEND_CARD: &str = r#"{"elements":[{"tag":"markdown","content":"普通文本\n\n // at 指定用户\n <at id=\"ou_cf986xxxx\"></at> // 使用 open_id @ 指定人\n <at id=\"ou_cf986xxxx\"></at> // 使用 user_id @ 指定人\n <at email=\"xxxx@example.com\"></at> // 使用邮箱地址 @ 指定人\n // at 所有人\n <at id=\"all\"></at>"}]}"#;

/// batch-send.md: the `content` / `card` objects of the request examples (compacted; the
/// link text 飞书 is garbled in the recovered page).
const BATCH_TEXT: &str = r#"{"text":"test content"}"#;
const BATCH_POST: &str = r#"{"post":{"zh_cn":{"title":"我是一个标题","content":[[{"tag":"text","text":"第一行"},{"tag":"a","href":"http://www.feishu.cn","text":"飞书"}]]},"en_us":{"title":"I am a title","content":[[{"tag":"text","text":"first line"},{"tag":"a","href":"http://www.feishu.cn","text":"feishu"}]]}}}"#;
const BATCH_IMAGE: &str = r#"{"image_key":"img_v2_8e5a80ec-4d94-4bb2-84d5-e25d6c28dacj"}"#;
const BATCH_SHARE_CHAT: &str = r#"{"share_chat_id":"oc_84983ff6516d731e5b5f68d4ea2e1da5"}"#;
const BATCH_TEMPLATE: &str =
    r#"{"type":"template","data":{"template_id":"ctp_xxxxxx","template_variable":{"var_xxx":"xxxxxx"}}}"#;

fn batch_example_post() -> PostContent {
    PostContent::builder()
        .locale(
            "zh_cn",
            Some("我是一个标题"),
            vec![vec![PostNode::text("第一行"), PostNode::link("飞书", "http://www.feishu.cn")]],
        )
        .add(
            "en_us",
            PostLocale::new()
                .title("I am a title")
                .paragraph([PostNode::text("first line"), PostNode::link("feishu", "http://www.feishu.cn")]),
        )
        .build()
}

#[test]
fn send_text_matches_the_docs_byte_for_byte() {
    let content = MessageContent::from(TextContent::new("test content"));
    assert_eq!(content.msg_type(), MsgType::Text);
    assert_eq!(content.to_content_string(), SEND_TEXT);
    assert_eq!(serde_json::to_string(&TextContent::new("test content")).unwrap(), SEND_TEXT);
    let parsed = MessageContent::parse(&MsgType::Text, SEND_TEXT).unwrap();
    assert_eq!(parsed, content);
    assert_eq!(parsed.to_content_string(), SEND_TEXT);
    assert_eq!(TextContent::content_string("test content"), SEND_TEXT);
    for tricky in
        ["", "引号 \" 与 \\ 反斜杠", "line\nbreak\ttab", "<at user_id=\"all\"></at> \u{1F600}", "\u{0}"]
    {
        let content_string = TextContent::content_string(tricky);
        assert_eq!(serde_json::from_str::<Value>(&content_string).unwrap(), json!({"text": tricky}));
    }
}

#[test]
fn send_card_json_round_trips_byte_for_byte() {
    let parsed = MessageContent::parse(&MsgType::Interactive, SEND_CARD).unwrap();
    assert!(matches!(parsed, MessageContent::Interactive(InteractiveContent::Card(_))));
    assert_eq!(parsed.to_content_string(), SEND_CARD);
    let built = MessageContent::from(InteractiveContent::card_json(serde_json::from_str(SEND_CARD).unwrap()));
    assert_eq!(built.to_content_string(), SEND_CARD);
}

#[test]
fn batch_examples_match_the_docs_byte_for_byte() {
    let cases: Vec<(MessageContent, &str)> = vec![
        (TextContent::new("test content").into(), BATCH_TEXT),
        (batch_example_post().into(), BATCH_POST),
        (ImageContent::new("img_v2_8e5a80ec-4d94-4bb2-84d5-e25d6c28dacj").into(), BATCH_IMAGE),
        (ShareChatContent::new("oc_84983ff6516d731e5b5f68d4ea2e1da5").into(), BATCH_SHARE_CHAT),
    ];
    for (content, expected) in cases {
        let batch = content.to_batch().unwrap();
        assert_eq!(batch.msg_type, content.msg_type());
        assert_eq!(batch.card, None);
        let json = serde_json::to_string(&batch.content.unwrap()).unwrap();
        assert_eq!(json, expected);
    }
}

#[test]
fn batch_template_card_matches_the_docs() {
    let content: MessageContent =
        InteractiveContent::template("ctp_xxxxxx").variable("var_xxx", "xxxxxx").into();
    let batch = content.to_batch().unwrap();
    assert_eq!(batch.msg_type, MsgType::Interactive);
    assert_eq!(batch.content, None);
    let card = batch.card.unwrap();
    assert_eq!(card, serde_json::from_str::<Value>(BATCH_TEMPLATE).unwrap());
    assert_eq!(serde_json::to_string(&card).unwrap(), BATCH_TEMPLATE);
    // The same object is send message's content string.
    assert_eq!(content.to_content_string(), BATCH_TEMPLATE);
}

#[test]
fn batch_examples_decode_and_re_encode_unchanged() {
    let post: Value = serde_json::from_str(BATCH_POST).unwrap();
    let decoded: PostContent = serde_json::from_value(post["post"].clone()).unwrap();
    assert_eq!(decoded, batch_example_post());
    assert_eq!(json!({ "post": decoded }).to_string(), BATCH_POST);

    let text: TextContent = serde_json::from_str(BATCH_TEXT).unwrap();
    assert_eq!(serde_json::to_string(&text).unwrap(), BATCH_TEXT);
    let image: ImageContent = serde_json::from_str(BATCH_IMAGE).unwrap();
    assert_eq!(serde_json::to_string(&image).unwrap(), BATCH_IMAGE);
    let template: InteractiveContent = serde_json::from_str(BATCH_TEMPLATE).unwrap();
    assert!(matches!(template, InteractiveContent::Template(_)));
    assert_eq!(serde_json::to_string(&template).unwrap(), BATCH_TEMPLATE);
}

#[test]
fn text_builder_writes_mentions_and_links() {
    let content = TextContent::builder()
        .at_user("ou_7d8a6e6df7621556ce0d21922b676706ccs", "Tom")
        .text(" 你好 ")
        .at_all()
        .newline()
        .link("飞书", "https://www.feishu.cn")
        .build();
    assert_eq!(
        content.text,
        "<at user_id=\"ou_7d8a6e6df7621556ce0d21922b676706ccs\">Tom</at> 你好 <at user_id=\"all\"></at>\n[飞书](https://www.feishu.cn)"
    );
    assert_eq!(
        MessageContent::from(TextContent::builder().at_all()).to_content_string(),
        r#"{"text":"<at user_id=\"all\"></at>"}"#
    );
}

#[test]
fn every_post_node_serializes_in_the_docs_field_order() {
    let post = PostContent::builder()
        .add(
            "zh_cn",
            PostLocale::new()
                .title("标题")
                .paragraph([
                    PostNode::text("第一行:").style(TextStyle::Bold).style(TextStyle::Underline),
                    PostNode::text("原样").un_escape(true),
                    PostNode::link("超链接", "http://www.feishu.cn").style(TextStyle::Italic),
                    PostNode::at("ou_1avnmsbv3k45jnk34j5").style(TextStyle::LineThrough),
                    PostNode::at_named("ou_2", "Tom"),
                    PostNode::at_all(),
                    PostNode::emotion("SMILE"),
                ])
                .paragraph([PostNode::image("img_1")])
                .paragraph([PostNode::media("file_v2_1", Some("img_2"))])
                .paragraph([PostNode::media("file_v2_2", None)])
                .paragraph([PostNode::hr()])
                .paragraph([
                    PostNode::code_block(Some("GO"), "func main() {}"),
                    PostNode::code_block(None, "x"),
                ])
                .paragraph([PostNode::md("**加粗**")]),
        )
        .build();
    let expected = concat!(
        r#"{"zh_cn":{"title":"标题","content":[["#,
        r#"{"tag":"text","text":"第一行:","style":["bold","underline"]},"#,
        r#"{"tag":"text","text":"原样","un_escape":true},"#,
        r#"{"tag":"a","href":"http://www.feishu.cn","text":"超链接","style":["italic"]},"#,
        r#"{"tag":"at","user_id":"ou_1avnmsbv3k45jnk34j5","style":["lineThrough"]},"#,
        r#"{"tag":"at","user_id":"ou_2","user_name":"Tom"},"#,
        r#"{"tag":"at","user_id":"all"},"#,
        r#"{"tag":"emotion","emoji_type":"SMILE"}],"#,
        r#"[{"tag":"img","image_key":"img_1"}],"#,
        r#"[{"tag":"media","file_key":"file_v2_1","image_key":"img_2"}],"#,
        r#"[{"tag":"media","file_key":"file_v2_2"}],"#,
        r#"[{"tag":"hr"}],"#,
        r#"[{"tag":"code_block","language":"GO","text":"func main() {}"},{"tag":"code_block","text":"x"}],"#,
        r#"[{"tag":"md","text":"**加粗**"}]]}}"#,
    );
    let content = MessageContent::from(post.clone());
    assert_eq!(content.to_content_string(), expected);
    assert_eq!(serde_json::to_string(&post).unwrap(), expected);
    // Decoding gives the same typed content back.
    assert_eq!(MessageContent::parse(&MsgType::Post, expected).unwrap(), content);
    let tags: Vec<PostTag> =
        post.locale("zh_cn").unwrap().content.iter().flatten().map(PostNode::tag).collect();
    assert_eq!(tags.first(), Some(&PostTag::Text));
    assert_eq!(tags.last(), Some(&PostTag::Md));
}

#[test]
fn style_applies_only_to_text_link_and_at() {
    assert_eq!(PostNode::image("img_1").style(TextStyle::Bold), PostNode::image("img_1"));
    assert_eq!(PostNode::hr().style(TextStyle::Bold).styles(), None);
    assert_eq!(PostNode::md("x").un_escape(true), PostNode::md("x"));
    assert_eq!(PostNode::link("a", "b").style(TextStyle::Bold).styles(), Some(&[TextStyle::Bold][..]));
}

#[test]
fn locales_keep_their_order() {
    let post = PostContent::builder()
        .locale("ja_jp", None, vec![vec![PostNode::text("こんにちは")]])
        .locale("en_us", Some("Hi"), vec![])
        .locale("zh_cn", Some("你好"), vec![vec![PostNode::text("你好")]])
        .build();
    let json = MessageContent::from(post).to_content_string();
    assert_eq!(
        json,
        r#"{"ja_jp":{"content":[[{"tag":"text","text":"こんにちは"}]]},"en_us":{"title":"Hi","content":[]},"zh_cn":{"title":"你好","content":[[{"tag":"text","text":"你好"}]]}}"#
    );
    let decoded = MessageContent::parse(&MsgType::Post, &json).unwrap();
    let MessageContent::Post(decoded) = decoded else { panic!("not a post") };
    assert_eq!(decoded.locales.keys().collect::<Vec<_>>(), ["ja_jp", "en_us", "zh_cn"]);
}

#[test]
fn resource_share_and_system_contents_serialize_exactly() {
    let cases: Vec<(MessageContent, MsgType, &str)> = vec![
        (ImageContent::new("img_1").into(), MsgType::Image, r#"{"image_key":"img_1"}"#),
        (FileContent::new("file_1").into(), MsgType::File, r#"{"file_key":"file_1"}"#),
        (AudioContent::new("file_2").into(), MsgType::Audio, r#"{"file_key":"file_2"}"#),
        (StickerContent::new("file_3").into(), MsgType::Sticker, r#"{"file_key":"file_3"}"#),
        (MediaContent::new("file_4").into(), MsgType::Media, r#"{"file_key":"file_4"}"#),
        (
            MediaContent::new("file_4").cover("img_4").into(),
            MsgType::Media,
            r#"{"file_key":"file_4","image_key":"img_4"}"#,
        ),
        (ShareChatContent::new("oc_1").into(), MsgType::ShareChat, r#"{"chat_id":"oc_1"}"#),
        (ShareUserContent::new("ou_1").into(), MsgType::ShareUser, r#"{"user_id":"ou_1"}"#),
        (
            SystemContent::divider("新会话").into(),
            MsgType::System,
            r#"{"type":"divider","params":{"divider_text":{"text":"新会话"}}}"#,
        ),
        (
            SystemContent::divider("新会话")
                .i18n_text("zh_cn", "新会话")
                .i18n_text("en_us", "New session")
                .need_rollup(true)
                .into(),
            MsgType::System,
            r#"{"type":"divider","params":{"divider_text":{"text":"新会话","i18n_text":{"zh_cn":"新会话","en_us":"New session"}}},"options":{"need_rollup":true}}"#,
        ),
        (
            InteractiveContent::card_entity("7355372766134157313").into(),
            MsgType::Interactive,
            r#"{"type":"card","data":{"card_id":"7355372766134157313"}}"#,
        ),
        (
            InteractiveContent::template("ctp_1").version_name("1.0.2").variable("n", 3).into(),
            MsgType::Interactive,
            r#"{"type":"template","data":{"template_id":"ctp_1","template_version_name":"1.0.2","template_variable":{"n":3}}}"#,
        ),
    ];
    for (content, msg_type, expected) in cases {
        assert_eq!(content.msg_type(), msg_type);
        assert_eq!(content.to_content_string(), expected);
        content.validate().unwrap();
        let parsed = MessageContent::parse(&msg_type, expected).unwrap();
        assert_eq!(parsed, content, "{expected}");
        assert_eq!(parsed.to_content_string(), expected);
    }
}

#[test]
fn extra_fields_are_accepted_when_decoding() {
    let parsed = MessageContent::parse(&MsgType::Image, r#"{"image_key":"img_1","future":{"x":1}}"#).unwrap();
    assert_eq!(parsed, ImageContent::new("img_1").into());
    let post = r#"{"zh_cn":{"content":[[{"tag":"text","text":"a","future":true}]],"future":1}}"#;
    assert_eq!(
        MessageContent::parse(&MsgType::Post, post).unwrap(),
        PostContent::builder().locale("zh_cn", None, vec![vec![PostNode::text("a")]]).build().into()
    );
}

#[test]
fn text_from_json_parts_matches_the_builder() {
    use larkmsg::content::{TextContent, TextPart};
    let parts: Vec<TextPart> = larkmsg::validate::decode_value(
        "parts",
        serde_json::json!([
            {"part": "at_user", "user_id": "ou_1", "name": "Tom"},
            {"part": "text", "text": " 看 "},
            {"part": "link", "text": "飞书", "url": "https://www.feishu.cn"},
            {"part": "newline"},
            {"part": "at_all"}
        ]),
    )
    .unwrap();
    let built = TextContent::builder()
        .at_user("ou_1", "Tom")
        .text(" 看 ")
        .link("飞书", "https://www.feishu.cn")
        .newline()
        .at_all()
        .build();
    assert_eq!(TextContent::from_parts(&parts), built);
    let bad =
        larkmsg::validate::decode_value::<Vec<TextPart>>("parts", serde_json::json!([{"part": "shout"}]));
    assert_eq!(bad.unwrap_err().as_slice()[0].path, "parts[0].part");
}
