//! Create app feed card: every limit of the page on both sides, paths, the flat form.

// Test helpers may unwrap too (clippy's allow-unwrap-in-tests covers only #[test] bodies).
#![allow(clippy::unwrap_used)]

use larkmsg::api::{
    ActionType, AppFeedCard, AppFeedCardButton, AppFeedCardUrl, AppFeedLink, AppFeedNotify, ButtonType,
    CreateAppFeedCardRequest, StatusLabel, StatusLabelType,
};
use larkmsg::validate::decode_value;
use larkmsg::{Rule, UserIdType, Violation};
use serde_json::json;

const LINK: &str = "https://www.feishu.cn/";

fn request(card: AppFeedCard) -> CreateAppFeedCardRequest {
    CreateAppFeedCardRequest::new(card, ["ou_1"])
}

fn card() -> AppFeedCard {
    AppFeedCard::new(LINK)
}

fn button(text: &str) -> AppFeedCardButton {
    AppFeedCardButton::new(ActionType::UrlPage, text)
}

fn violations(request: &CreateAppFeedCardRequest) -> Vec<Violation> {
    request.validate().err().map(|v| v.into_vec()).unwrap_or_default()
}

fn found(request: &CreateAppFeedCardRequest) -> Vec<(String, Rule)> {
    violations(request).into_iter().map(|v| (v.path, v.rule)).collect()
}

/// Checks that `ok` is valid and that `bad` has exactly one violation, at `path` by `rule`,
/// with `message`.
fn limit(ok: AppFeedCard, bad: AppFeedCard, path: &str, rule: Rule, message: &str) {
    assert_eq!(request(ok).validate(), Ok(()), "{path}");
    let found = violations(&request(bad));
    assert_eq!(found.len(), 1, "{path}: {found:?}");
    assert_eq!((found[0].path.as_str(), found[0].rule, found[0].message.as_str()), (path, rule, message));
}

#[test]
fn builders_give_the_documented_body_and_query() {
    let card = card()
        .biz_id("b1")
        .title("主标题")
        .avatar_key("v3_1")
        .preview("预览信息")
        .status_label(StatusLabel::new("标签文字", StatusLabelType::Primary))
        .button(
            button("文本")
                .multi_url(AppFeedCardUrl::new(LINK).android_url(LINK).ios_url(LINK).pc_url(LINK))
                .button_type(ButtonType::Default)
                .action("foo", "bar"),
        )
        .time_sensitive(false)
        .notify(AppFeedNotify::default().close_notify(true).custom_sound("您有新的订单"));
    let request = request(card).user_id_type(UserIdType::UserId);
    assert_eq!(request.validate(), Ok(()));
    assert_eq!(request.query(), [("user_id_type", "user_id".to_owned())]);
    let body = serde_json::to_string(&request).unwrap();
    let expected = json!({
        "app_feed_card": {
            "biz_id": "b1", "title": "主标题", "avatar_key": "v3_1", "preview": "预览信息",
            "status_label": {"text": "标签文字", "type": "primary"},
            "buttons": {"buttons": [{
                "multi_url": {"url": LINK, "android_url": LINK, "ios_url": LINK, "pc_url": LINK},
                "action_type": "url_page", "text": {"text": "文本"}, "button_type": "default",
                "action_map": {"foo": "bar"}
            }]},
            "link": {"link": LINK},
            "time_sensitive": false,
            "notify": {"close_notify": true, "custom_sound_text": "您有新的订单", "with_custom_sound": true}
        },
        "user_ids": ["ou_1"]
    });
    assert_eq!(body, expected.to_string());
}

#[test]
fn query_omits_user_id_type_when_unset() {
    assert!(request(card()).query().is_empty());
}

#[test]
fn flat_form_decodes_with_the_query_parameter() {
    let flat = json!({
        "user_id_type": "union_id",
        "app_feed_card": {"title": "主标题", "link": {"link": LINK}},
        "user_ids": ["on_1"]
    });
    let request: CreateAppFeedCardRequest = decode_value("", flat).unwrap();
    assert_eq!(request.user_id_type, Some(UserIdType::UnionId));
    assert_eq!(request.validate(), Ok(()));
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"app_feed_card": {"title": "主标题", "link": {"link": LINK}}, "user_ids": ["on_1"]})
    );
}

#[test]
fn flat_form_rejects_unknown_fields_at_their_path() {
    let cases = [
        (json!({"app_feed_card": {"titel": "x"}, "user_ids": ["ou_1"]}), "app_feed_card.titel"),
        (
            json!({"app_feed_card": {"buttons": {"buttons": [
                {"action_type": "webhook", "text": {"text": "a"}},
                {"action_type": "webhook", "text": {"text": "b", "colour": "red"}}
            ]}}}),
            "app_feed_card.buttons.buttons[1].text.colour",
        ),
        (json!({"app_feed_card": {"link": {"link": LINK, "url": LINK}}}), "app_feed_card.link.url"),
        (json!({"user_id": ["ou_1"]}), "user_id"),
    ];
    for (flat, path) in cases {
        let violations = decode_value::<CreateAppFeedCardRequest>("", flat).unwrap_err().into_vec();
        assert_eq!(violations.len(), 1);
        assert_eq!((violations[0].path.as_str(), violations[0].rule), (path, Rule::UnknownField));
    }
}

#[test]
fn flat_form_reports_a_missing_nested_field() {
    let flat = json!({"app_feed_card": {"status_label": {"text": "a"}}, "user_ids": ["ou_1"]});
    let violations = decode_value::<CreateAppFeedCardRequest>("", flat).unwrap_err().into_vec();
    assert_eq!(
        (violations[0].path.as_str(), violations[0].rule),
        ("app_feed_card.status_label.type", Rule::Required)
    );
    assert_eq!(violations[0].message, "missing field `type`");
}

#[test]
fn text_fields_have_maximum_lengths_in_characters() {
    type Set = fn(AppFeedCard, String) -> AppFeedCard;
    let cases: [(&str, usize, Set); 4] = [
        ("app_feed_card.biz_id", 200, |c, s| c.biz_id(s)),
        ("app_feed_card.title", 60, |c, s| c.title(s)),
        ("app_feed_card.avatar_key", 100, |c, s| c.avatar_key(s)),
        ("app_feed_card.preview", 120, |c, s| c.preview(s)),
    ];
    for (path, max, set) in cases {
        let message = format!("must be at most {max} characters, got {}", max + 1);
        limit(set(card(), "标".repeat(max)), set(card(), "标".repeat(max + 1)), path, Rule::Length, &message);
    }
}

#[test]
fn status_label_text_is_1_to_20_characters_and_type_known() {
    let label = |text: String| card().status_label(StatusLabel::new(text, StatusLabelType::Danger));
    let path = "app_feed_card.status_label.text";
    limit(
        label("签".repeat(20)),
        label("签".repeat(21)),
        path,
        Rule::Length,
        "must be 1 to 20 characters, got 21",
    );
    limit(
        label("签".to_owned()),
        label(String::new()),
        path,
        Rule::Length,
        "must be 1 to 20 characters, got 0",
    );
    let unknown = card().status_label(StatusLabel::new("a", StatusLabelType::from("warning")));
    assert_eq!(found(&request(unknown)), [("app_feed_card.status_label.type".to_owned(), Rule::Enum)]);
}

#[test]
fn at_most_two_buttons() {
    let two = card().button(button("a")).button(button("b"));
    let three = two.clone().button(button("c"));
    limit(two, three, "app_feed_card.buttons.buttons", Rule::Items, "must have at most 2 items, got 3");
    let mut none = card();
    none.buttons = Some(Default::default());
    assert_eq!(request(none).validate(), Ok(()));
}

#[test]
fn button_text_is_1_to_30_characters() {
    let with = |text: String| card().button(button("a")).button(button(&text));
    let path = "app_feed_card.buttons.buttons[1].text.text";
    limit(
        with("按".repeat(30)),
        with("按".repeat(31)),
        path,
        Rule::Length,
        "must be 1 to 30 characters, got 31",
    );
    limit(with("按".into()), with(String::new()), path, Rule::Length, "must be 1 to 30 characters, got 0");
}

#[test]
fn button_enums_must_be_known() {
    let card = card()
        .button(AppFeedCardButton::new(ActionType::from("open"), "a").button_type(ButtonType::from("danger")))
        .button(AppFeedCardButton::new(ActionType::Webhook, "b").button_type(ButtonType::Success));
    assert_eq!(
        found(&request(card)),
        [
            ("app_feed_card.buttons.buttons[0].action_type".to_owned(), Rule::Enum),
            ("app_feed_card.buttons.buttons[0].button_type".to_owned(), Rule::Enum),
        ]
    );
}

#[test]
fn every_url_is_https_and_at_most_700_characters() {
    // 700 characters, most of them three bytes long.
    let long = format!("https://e.cn/{}", "页".repeat(700 - 13));
    let too_long = format!("{long}页");
    assert_eq!(long.chars().count(), 700);
    type Set = fn(String) -> AppFeedCard;
    let cases: [(&str, Set); 5] = [
        ("app_feed_card.buttons.buttons[0].multi_url.url", |u| {
            card().button(button("a").multi_url(AppFeedCardUrl::new(u)))
        }),
        ("app_feed_card.buttons.buttons[0].multi_url.android_url", |u| {
            card().button(button("a").multi_url(AppFeedCardUrl::default().android_url(u)))
        }),
        ("app_feed_card.buttons.buttons[0].multi_url.ios_url", |u| {
            card().button(button("a").multi_url(AppFeedCardUrl::default().ios_url(u)))
        }),
        ("app_feed_card.buttons.buttons[0].multi_url.pc_url", |u| {
            card().button(button("a").multi_url(AppFeedCardUrl::default().pc_url(u)))
        }),
        ("app_feed_card.link.link", AppFeedCard::new),
    ];
    for (path, set) in cases {
        limit(
            set(long.clone()),
            set(too_long.clone()),
            path,
            Rule::Length,
            "must be at most 700 characters, got 701",
        );
        let message = "must be an https URL, got scheme \"http\"";
        limit(set(LINK.into()), set("http://www.feishu.cn/".into()), path, Rule::HttpsUrl, message);
    }
}

#[test]
fn link_is_required_when_creating() {
    let mut without = card();
    without.link = None;
    assert_eq!(found(&request(without)), [("app_feed_card.link".to_owned(), Rule::Required)]);
    let mut empty = card();
    empty.link = Some(AppFeedLink::default());
    assert_eq!(found(&request(empty)), [("app_feed_card.link.link".to_owned(), Rule::Required)]);
}

#[test]
fn custom_sound_text_is_at_most_20_characters() {
    let with = |text: String| card().notify(AppFeedNotify::default().custom_sound(text));
    let path = "app_feed_card.notify.custom_sound_text";
    limit(
        with("订".repeat(20)),
        with("订".repeat(21)),
        path,
        Rule::Length,
        "must be at most 20 characters, got 21",
    );
}

#[test]
fn user_ids_are_1_to_20_non_empty_ids() {
    let ids = |count: usize| (0..count).map(|i| format!("ou_{i}")).collect::<Vec<_>>();
    assert_eq!(CreateAppFeedCardRequest::new(card(), ids(20)).validate(), Ok(()));
    for count in [0, 21] {
        let found = violations(&CreateAppFeedCardRequest::new(card(), ids(count)));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].path.as_str(), found[0].rule), ("user_ids", Rule::Items));
        assert_eq!(found[0].message, format!("must have 1 to 20 items, got {count}"));
    }
    // The page marks user_ids optional.
    let mut missing = request(card());
    missing.user_ids = None;
    assert_eq!(missing.validate(), Ok(()));
    let empty_id = CreateAppFeedCardRequest::new(card(), ["ou_1", ""]);
    assert_eq!(found(&empty_id), [("user_ids[1]".to_owned(), Rule::Required)]);
}

#[test]
fn user_id_type_and_card_are_checked() {
    let unknown = request(card()).user_id_type(UserIdType::from("email"));
    assert_eq!(found(&unknown), [("user_id_type".to_owned(), Rule::Enum)]);
    // The page marks app_feed_card optional.
    let mut no_card = request(card());
    no_card.app_feed_card = None;
    assert_eq!(no_card.validate(), Ok(()));
}

#[test]
fn every_violation_is_reported_together() {
    let card = AppFeedCard::new("http://e.cn")
        .title("标".repeat(61))
        .status_label(StatusLabel::new("", StatusLabelType::from("gold")))
        .button(button(""))
        .button(button("b").multi_url(AppFeedCardUrl::new("ftp://e.cn")))
        .button(button("c"))
        .notify(AppFeedNotify::default().custom_sound("订".repeat(21)));
    let request =
        CreateAppFeedCardRequest::new(card, Vec::<String>::new()).user_id_type(UserIdType::from("x"));
    let paths: Vec<String> = found(&request).into_iter().map(|(path, _)| path).collect();
    assert_eq!(
        paths,
        [
            "user_id_type",
            "app_feed_card.title",
            "app_feed_card.status_label.text",
            "app_feed_card.status_label.type",
            "app_feed_card.buttons.buttons",
            "app_feed_card.buttons.buttons[0].text.text",
            "app_feed_card.buttons.buttons[1].multi_url.url",
            "app_feed_card.link.link",
            "app_feed_card.notify.custom_sound_text",
            "user_ids",
        ]
    );
}
