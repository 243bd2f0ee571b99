//! Every JSON example of the four endpoint pages decodes and re-encodes to the same JSON.

// Test helpers may unwrap too (clippy's allow-unwrap-in-tests covers only #[test] bodies).
#![allow(clippy::unwrap_used)]

use larkmsg::api::{
    BatchSendRequest, BatchSendResult, CreateAppFeedCardRequest, CreateAppFeedCardResult, CreateCardRequest,
    CreateCardResult, Envelope, Message, SendMessageRequest,
};
use larkmsg::validate::decode_value;
use larkmsg::{Rule, Violations};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `json` into `T` (through `decode_value`, as bindings do), re-encodes it, and
/// checks that the JSON is the same; returns the decoded value.
fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> T {
    let original: Value = serde_json::from_str(json).unwrap();
    let decoded: T = decode_value("", original.clone()).unwrap();
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(encoded, original);
    decoded
}

/// The violations found outside the content and card checks, which other modules own.
fn own(result: Result<(), Violations>) -> Vec<larkmsg::Violation> {
    let all = result.err().map(Violations::into_vec).unwrap_or_default();
    all.into_iter().filter(|v| !v.path.starts_with("content") && !v.path.starts_with("card")).collect()
}

#[test]
fn send_message_examples() {
    for json in [SEND_TEXT, SEND_CARD, SEND_CURL] {
        let mut request = round_trip::<SendMessageRequest>(json);
        assert_eq!(request.receive_id_type, None);
        assert_eq!(
            own(request.validate()).iter().map(|v| v.path.as_str()).collect::<Vec<_>>(),
            ["receive_id_type"]
        );
        request.receive_id_type = Some(larkmsg::ReceiveIdType::OpenId);
        assert_eq!(own(request.validate()), []);
    }
    let envelope = round_trip::<Envelope<Message>>(SEND_RESPONSE);
    assert!(envelope.is_success());
    let message = envelope.data.unwrap();
    assert_eq!(message.message_id, "om_dc13264520392913993dd051dba21dcf");
    assert_eq!(message.msg_type, Some(larkmsg::MsgType::Interactive));
    assert_eq!(message.mentions[0].name.as_deref(), Some("Tom"));
}

#[test]
fn send_message_error_example() {
    let envelope = round_trip::<Envelope<Message>>(CARD_CONTENT_ERROR);
    assert_eq!(envelope.code, 230099);
    assert!(envelope.data.is_none());
    let error = envelope.error.unwrap();
    assert_eq!(error.log_id.as_deref(), Some("202409131613579778D691D6E05516DE2D"));
    assert!(error.troubleshooter.unwrap().contains("code=230099"));
}

#[test]
fn batch_send_examples() {
    let examples =
        [BATCH_TEXT, BATCH_POST, BATCH_IMAGE, BATCH_SHARE_CHAT, BATCH_CARD_JSON, BATCH_CARD_TEMPLATE];
    for json in examples {
        let request = round_trip::<BatchSendRequest>(json);
        assert_eq!(own(request.validate()), [], "{json}");
    }
    let envelope = round_trip::<Envelope<BatchSendResult>>(BATCH_RESPONSE);
    let result = envelope.data.unwrap();
    assert_eq!(result.message_id, "bm-d4be107c616aed9c1da8ed8068570a9f");
    assert_eq!(result.invalid_open_ids.len(), 2);
    assert_eq!(result.invalid_user_ids, ["7cdcc7c22"]);
}

#[test]
fn create_card_examples() {
    let card_json = round_trip::<CreateCardRequest>(CARD_JSON);
    assert_eq!(card_json.card_type, larkmsg::api::CardType::CardJson);
    let template = round_trip::<CreateCardRequest>(CARD_TEMPLATE);
    assert_eq!(template.card_type, larkmsg::api::CardType::Template);
    // The page's template example has one `}` too many: its data is not JSON.
    let violations = template.validate().unwrap_err().into_vec();
    assert_eq!(violations.len(), 1);
    assert_eq!((violations[0].path.as_str(), violations[0].rule), ("data", Rule::Format));
    let envelope = round_trip::<Envelope<CreateCardResult>>(CARD_RESPONSE);
    assert_eq!(envelope.data.unwrap().card_id, "7355372766134157313");
}

#[test]
fn create_app_feed_card_examples() {
    for json in [FEED_REQUEST, FEED_REQUEST_CSHARP] {
        let request = round_trip::<CreateAppFeedCardRequest>(json);
        assert_eq!(request.validate(), Ok(()));
    }
    let envelope = round_trip::<Envelope<CreateAppFeedCardResult>>(FEED_RESPONSE);
    let result = envelope.data.unwrap();
    assert_eq!(result.biz_id.as_deref(), Some("b90ce43a-fca8-4f42-92f4-794bff206ee5"));
    assert_eq!(result.failed_cards[0].reason.as_ref().unwrap().as_str(), "NOT_CREATED");
    assert_eq!(
        result.failed_cards[0].reason.as_ref().unwrap().kind(),
        larkmsg::api::FailedCardReasonKind::NotCreated
    );
}

/// Send message: request body example.
const SEND_TEXT: &str = r#"
{
    "receive_id": "ou_7d8a6e6df7621556ce0d21922b676706ccs",
    "msg_type": "text",
    "content": "{\"text\":\"test content\"}",
    "uuid": "选填，每次调用前请更换，如a0d69e20-1dd1-458b-k525-dfeca4015204"
}
"#;

/// Send message: card request body example.
const SEND_CARD: &str = r#"
{
  "receive_id": "ou_7d8a6e6df7621556ce0d21922b676706ccs",
  "msg_type": "interactive",
  "content": "{\"elements\":[{\"tag\":\"markdown\",\"content\":\"普通文本\\n\\n // at 指定用户\\n <at id=\\\"ou_cf986xxxx\\\"></at> // 使用 open_id @ 指定人\\n <at id=\\\"ou_cf986xxxx\\\"></at> // 使用 user_id @ 指定人\\n <at email=\\\"xxxx@example.com\\\"></at> // 使用邮箱地址 @ 指定人\\n // at 所有人\\n <at id=\\\"all\\\"></at>\"}]}"
}
"#;

/// Send message: the body of the cURL example.
const SEND_CURL: &str = r#"
{
    "receive_id": "oc_84983ff6516d731e5b5f68d4ea2e1da5",
    "msg_type": "text",
    "content": "{\"text\":\"test content\"}"
}
"#;

/// Send message: response example.
const SEND_RESPONSE: &str = r#"
{
    "code": 0,
    "msg": "success",
    "data": {
        "message_id": "om_dc13264520392913993dd051dba21dcf",
        "root_id": "om_40eb06e7b84dc71c03e009ad3c754195",
        "parent_id": "om_d4be107c616aed9c1da8ed8068570a9f",
        "thread_id": "omt_d4be107c616a",
        "msg_type": "interactive",
        "create_time": "1615380573411",
        "update_time": "1615380573411",
        "deleted": false,
        "updated": false,
        "chat_id": "oc_5ad11d72b830411d72b836c20",
        "sender": {
            "id": "cli_9f427eec54ae901b",
            "id_type": "app_id",
            "sender_type": "app",
            "tenant_key": "736588c9260f175e"
        },
        "body": {
            "content": "{\"text\":\"@_user_1 test content\"}"
        },
        "mentions": [
            {
                "key": "@_user_1",
                "id": "ou_155184d1e73cbfb8973e5a9e698e74f2",
                "id_type": "open_id",
                "name": "Tom",
                "tenant_key": "736588c9260f175e"
            }
        ],
        "upper_message_id": "om_40eb06e7b84dc71c03e009ad3c754195"
    }
}
"#;

/// Send message: the error answer shown for sub-code 200550.
const CARD_CONTENT_ERROR: &str = r#"
{
  "code": 230099,
  "msg": "Failed to create card content, ext=ErrCode: 200550; ErrPath: ROOT -> elements -> [2](tag: chart); ErrMsg: chart spec is invalid; ErrorValue: - (root): Must validate at least one schema (anyOf)\n- axes: Invalid type. Expected: array, given: null\n; ",
  "error": {
    "log_id": "202409131613579778D691D6E05516DE2D",
    "troubleshooter": "排查建议查看（Troubleshooting suggestions）： https://open.feishu.cn/search?from=openapi&log_id=202409131613579778D691D6E05516DE2D&code=230099&method_id=6921911482032898068"
  }
}
"#;

/// Batch send: text request example.
const BATCH_TEXT: &str = r#"
{
    "department_ids": [
        "3dceba33a33226",
        "d502aaa9514059"
    ],
    "open_ids": [
        "ou_18eac85d35a26f989317ad4f02e8bbbb",
        "ou_461cf042d9eedaa60d445f26dc747d5e"
    ],
    "user_ids": [
        "7cdcc7c2",
        "ca51d83b"
    ],
    "union_ids": [
         "on_cad4860e7af114fb4ff6c5d496d1dd76",
         "on_gdcq860e7af114fb4ff6c5d496dabcet"
    ],
    "msg_type": "text",
    "content": {
        "text": "test content"
    }
}
"#;

/// Batch send: post request example.
const BATCH_POST: &str = r#"
{
  "open_ids": [
    "ou_a18fe85d22e7633852d8104226e99eac",
    "ou_9204a37300b3700d61effaa439f34295"
  ],
  "department_ids": [
    "od-5b91c9affb665451a16b90b4be367efa"
  ],
  "msg_type": "post",
  "content": {
    "post": {
      "zh_cn": {
        "title": "我是一个标题",
        "content": [
          [
            {
              "tag": "text",
              "text": "第一行"
            },
            {
              "tag": "a",
              "href": "http://www.feishu.cn",
              "text": "遣书"
            }
          ]
        ]
      },
      "en_us": {
        "title": "I am a title",
        "content": [
          [
            {
              "tag": "text",
              "text": "first line"
            },
            {
              "tag": "a",
              "href": "http://www.feishu.cn",
              "text": "feishu"
            }
          ]
        ]
      }
    }
  }
}
"#;

/// Batch send: image request example.
const BATCH_IMAGE: &str = r#"
{
  "open_ids": [
    "ou_a18fe85d22e7633852d8104226e99eac",
    "ou_9204a37300b3700d61effaa439f34295"
  ],
  "department_ids": [
    "od-5b91c9affb665451a16b90b4be367efa"
  ],
  "msg_type": "image",
  "content": {
    "image_key": "img_v2_8e5a80ec-4d94-4bb2-84d5-e25d6c28dacj"
  }
}
"#;

/// Batch send: share chat request example.
const BATCH_SHARE_CHAT: &str = r#"
{
  "open_ids": [
    "ou_a18fe85d22e7633852d8104226e99eac",
    "ou_9204a37300b3700d61effaa439f34295"
  ],
  "department_ids": [
    "od-5b91c9affb665451a16b90b4be367efa"
  ],
  "msg_type": "share_chat",
  "content": {
    "share_chat_id": "oc_84983ff6516d731e5b5f68d4ea2e1da5"
  }
}
"#;

/// Batch send: card by card JSON request example.
const BATCH_CARD_JSON: &str = r#"
{
  "open_ids": [
    "ou_a18fe85d22e7633852d8104226e99eac",
    "ou_9204a37300b3700d61effaa439f34295"
  ],
  "department_ids": [
    "od-5b91c9affb665451a16b90b4be367efa"
  ],
  "msg_type": "interactive",
  "card": {
    "config": {
      "wide_screen_mode": true
    },
    "elements": [
      {
        "tag": "div",
        "fields": [
          {
            "is_short": true,
            "text": {
              "tag": "lark_md",
              "content": "**🟗�工单来源：**\n报事报修"
            }
          },
          {
            "is_short": true,
            "text": {
              "tag": "lark_md",
              "content": "**🟓工单类偋：**\n客服工单"
            }
          }
        ]
      }
    ],
    "header": {
      "template": "turquoise",
      "title": {
        "content": "🟓�晒挚爱好书，赢读书礼金",
        "tag": "plain_text"
      }
    }
  }
}
"#;

/// Batch send: card by template request example.
const BATCH_CARD_TEMPLATE: &str = r#"
{
  "open_ids": [
    "ou_a18fe85d22e7633852d8104226e99eac",
    "ou_9204a37300b3700d61effaa439f34295"
  ],
  "department_ids": [
    "od-5b91c9affb665451a16b90b4be367efa"
  ],
  "msg_type": "interactive",
  "card": {
    "type": "template",
    "data": {
      "template_id": "ctp_xxxxxx",
      "template_variable": {
        "var_xxx": "xxxxxx"
      }
    }
  }
}
"#;

/// Batch send: response example.
const BATCH_RESPONSE: &str = r#"
{
  "code": 0,
  "msg": "ok",
  "data": {
    "invalid_department_ids": [
      "d502aaa9514059"
    ],
    "invalid_open_ids": [
      "ou_456e168d61cec276083b357f7bd3f1491",
      "ou_f8cbdb26fb2e4eda075e003381a102a41"
    ],
    "invalid_user_ids": [
      "7cdcc7c22"
    ],
    "invalid_union_ids": [
      "on_cad4860e7af114fb4ff6c5d496d1dd76",
      "on_gdcq860e7af114fb4ff6c5d496dabcet"
    ],
    "message_id": "bm-d4be107c616aed9c1da8ed8068570a9f"
  }
}
"#;

/// Create card entity: card_json request example (its `//` comment removed).
const CARD_JSON: &str = r#"
{
  "type": "card_json",
  "data": "{\"schema\":\"2.0\",\"header\":{\"title\":{\"content\":\"项目进度更新提醒\",\"tag\":\"plain_text\"}},\"config\":{\"streaming_mode\":true,\"summary\":{\"content\":\"\"},\"streaming_config\":{\"print_frequency_ms\":{\"default\":70,\"android\":70,\"ios\":70,\"pc\":70},\"print_step\":{\"default\":1,\"android\":1,\"ios\":1,\"pc\":1},\"print_strategy\":\"fast\"}},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"截至今日，项目完成度已达80%\",\"element_id\":\"markdown_1\"}]}}"
}
"#;

/// Create card entity: template request example (its `//` comment removed).
const CARD_TEMPLATE: &str = r#"
{
  "type": "template",
  "data": "{\"template_id\":\"AAqIi1B8abcef\",\"template_version_name\":\"1.0.0\",\"template_variable\":{\"open_id\":\"ou_5c6d1637498e704f541095bba3dabcef\"}}}"
}
"#;

/// Create card entity: response example.
const CARD_RESPONSE: &str = r#"
{
    "code": 0,
    "msg": "success",
    "data": {
        "card_id": "7355372766134157313"
    }
}
"#;

/// Create app feed card: request body example.
const FEED_REQUEST: &str = r#"
{
    "app_feed_card": {
        "biz_id": "096e2927-40a6-41a3-9562-314d641d09ae",
        "title": "主标题",
        "avatar_key": "v3_0041_007bca9f-67ba-4199-bf00-4031b12cf226",
        "preview": "预览信息",
        "status_label": {
            "text": "标签文字",
            "type": "primary"
        },
        "buttons": {
            "buttons": [
                {
                    "multi_url": {
                        "url": "https://www.feishu.cn/",
                        "android_url": "https://www.feishu.cn/",
                        "ios_url": "https://www.feishu.cn/",
                        "pc_url": "https://www.feishu.cn/"
                    },
                    "action_type": "url_page",
                    "text": {
                        "text": "文本"
                    },
                    "button_type": "default",
                    "action_map": {
                        "foo": "bar"
                    }
                }
            ]
        },
        "link": {
            "link": "https://www.feishu.cn/"
        },
        "time_sensitive": false,
        "notify": {
            "close_notify": true,
            "custom_sound_text": "您有新的订单",
            "with_custom_sound": true
        }
    },
    "user_ids": [
        "ou_a0553eda9014c201e6969b478895c230"
    ]
}
"#;

/// Create app feed card: response example.
const FEED_RESPONSE: &str = r#"
{
    "code": 0,
    "msg": "success",
    "data": {
        "failed_cards": [
            {
                "biz_id": "bdf22389-87ec-4890-9eb6-78a7efaeecbb",
                "user_id": "ou_88553eda9014c201e6969b478895c223",
                "reason": "NOT_CREATED"
            }
        ],
        "biz_id": "b90ce43a-fca8-4f42-92f4-794bff206ee5"
    }
}
"#;

/// Create app feed card: the body of the C# sample (other key order).
const FEED_REQUEST_CSHARP: &str = r#"
{"app_feed_card":{"avatar_key":"v3_0041_007bca9f-67ba-4199-bf00-4031b12cf226","biz_id":"096e2927-40a6-41a3-9562-314d641d09ae","buttons":{"buttons":[{"action_map":{"foo":"bar"},"action_type":"url_page","button_type":"default","multi_url":{"android_url":"https://www.feishu.cn/","ios_url":"https://www.feishu.cn/","pc_url":"https://www.feishu.cn/","url":"https://www.feishu.cn/"},"text":{"text":"文本"}}]},"link":{"link":"https://www.feishu.cn/"},"notify":{"close_notify":true,"custom_sound_text":"您有新的订单","with_custom_sound":true},"preview":"预览信息","status_label":{"text":"标签文字","type":"primary"},"time_sensitive":false,"title":"主标题"},"user_ids":["ou_a0553eda9014c201e6969b478895c230"]}
"#;
