//! A builder of card JSON 2.0 cards: header, global config and body elements.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

use super::elements::{Element, plain_text};
use crate::enums::string_enum;
use crate::validate::{Validator, join};

string_enum! {
    /// `header.template`: the colour theme of a card's header.
    pub enum HeaderTemplate {
        /// Blue.
        Blue = "blue",
        /// Light blue.
        Wathet = "wathet",
        /// Turquoise.
        Turquoise = "turquoise",
        /// Green.
        Green = "green",
        /// Yellow.
        Yellow = "yellow",
        /// Orange.
        Orange = "orange",
        /// Red.
        Red = "red",
        /// Carmine.
        Carmine = "carmine",
        /// Violet.
        Violet = "violet",
        /// Purple.
        Purple = "purple",
        /// Indigo.
        Indigo = "indigo",
        /// Grey.
        Grey = "grey",
        /// The platform's default (no colour).
        Default = "default",
    }
}

string_enum! {
    /// `config.width_mode`: how wide the card is shown.
    pub enum WidthMode {
        /// The platform's default width (600 px on desktop).
        Default = "default",
        /// A narrower card (400 px on desktop).
        Compact = "compact",
        /// As wide as the chat window.
        Fill = "fill",
    }
}

string_enum! {
    /// `config.streaming_config.print_strategy`: how streamed text catches up after an update.
    pub enum PrintStrategy {
        /// Text not yet printed when new text arrives is shown at once.
        Fast = "fast",
        /// Text not yet printed keeps being printed at the configured pace.
        Delay = "delay",
    }
}

/// A card JSON 2.0 card; [`Card::to_json_string`] gives the `data` of a card entity.
///
/// Keys come out in the order `schema`, `header`, `config`, `body`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Card {
    header: Option<Header>,
    config: Option<Config>,
    elements: Vec<Element>,
}

impl Card {
    /// A card with no header, no config and no element yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the header.
    pub fn header(mut self, header: Header) -> Self {
        self.header = Some(header);
        self
    }

    /// Sets the global config.
    pub fn config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// Appends an element to the body.
    pub fn element(mut self, element: Element) -> Self {
        self.elements.push(element);
        self
    }

    /// The card as JSON, with `"schema": "2.0"`.
    pub fn to_value(&self) -> Value {
        let mut card = Map::new();
        card.insert("schema".to_owned(), "2.0".into());
        if let Some(header) = &self.header {
            card.insert("header".to_owned(), header.to_value());
        }
        if let Some(config) = &self.config {
            card.insert("config".to_owned(), config.to_value());
        }
        let elements = self.elements.iter().map(Element::to_value).collect();
        card.insert("body".to_owned(), json!({ "elements": Value::Array(elements) }));
        Value::Object(card)
    }

    /// The card as compact JSON text, the `data` string of a `card_json` card entity.
    pub fn to_json_string(&self) -> String {
        self.to_value().to_string()
    }
}

/// A card's header: title, optional subtitle and colour theme.
///
/// Decodes from `{"title", "subtitle"?, "template"?}`, its form in a card spec.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    title: String,
    subtitle: Option<String>,
    template: Option<HeaderTemplate>,
}

impl Header {
    /// A header with a plain text title.
    pub fn new(title: impl Into<String>) -> Self {
        Self { title: title.into(), subtitle: None, template: None }
    }

    /// Sets a plain text subtitle.
    pub fn subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(subtitle.into());
        self
    }

    /// Sets the colour theme.
    pub fn template(mut self, template: HeaderTemplate) -> Self {
        self.template = Some(template);
        self
    }

    /// Records a colour theme this version does not know (rule `enum`) at `path.template`.
    pub(super) fn check_known(&self, v: &mut Validator, path: &str) {
        if let Some(template) = &self.template {
            v.known(join(path, "template"), template);
        }
    }

    fn to_value(&self) -> Value {
        let mut header = Map::new();
        header.insert("title".to_owned(), plain_text(self.title.as_str()));
        if let Some(subtitle) = &self.subtitle {
            header.insert("subtitle".to_owned(), plain_text(subtitle.as_str()));
        }
        if let Some(template) = &self.template {
            header.insert("template".to_owned(), template.as_str().into());
        }
        Value::Object(header)
    }
}

/// A card's global `config`; fields left unset are not sent.
///
/// Decodes from its card JSON form, with `summary` as a string.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    update_multi: Option<bool>,
    streaming_mode: Option<bool>,
    summary: Option<String>,
    streaming_config: Option<StreamingConfig>,
    enable_forward: Option<bool>,
    width_mode: Option<WidthMode>,
}

impl Config {
    /// A config with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `update_multi` (a shared card); card JSON 2.0 and card entities require `true`.
    pub fn update_multi(mut self, update_multi: bool) -> Self {
        self.update_multi = Some(update_multi);
        self
    }

    /// Sets `streaming_mode`: whether the card is being updated as a stream.
    pub fn streaming_mode(mut self, streaming_mode: bool) -> Self {
        self.streaming_mode = Some(streaming_mode);
        self
    }

    /// Sets `summary.content`, the preview shown in the chat list.
    pub fn summary(mut self, content: impl Into<String>) -> Self {
        self.summary = Some(content.into());
        self
    }

    /// Sets `streaming_config`, the pace of streamed text.
    pub fn streaming_config(mut self, streaming_config: StreamingConfig) -> Self {
        self.streaming_config = Some(streaming_config);
        self
    }

    /// Sets `enable_forward`: whether the card may be forwarded (cards with an audio
    /// component must set `false`).
    pub fn enable_forward(mut self, enable_forward: bool) -> Self {
        self.enable_forward = Some(enable_forward);
        self
    }

    /// Sets `width_mode`.
    pub fn width_mode(mut self, width_mode: WidthMode) -> Self {
        self.width_mode = Some(width_mode);
        self
    }

    /// Records every enum value this version does not know (rule `enum`) below `path`.
    pub(super) fn check_known(&self, v: &mut Validator, path: &str) {
        if let Some(width_mode) = &self.width_mode {
            v.known(join(path, "width_mode"), width_mode);
        }
        let strategy = self.streaming_config.as_ref().and_then(|streaming| streaming.print_strategy.as_ref());
        if let Some(strategy) = strategy {
            v.known(join(path, "streaming_config.print_strategy"), strategy);
        }
    }

    fn to_value(&self) -> Value {
        let mut config = Map::new();
        if let Some(update_multi) = self.update_multi {
            config.insert("update_multi".to_owned(), update_multi.into());
        }
        if let Some(streaming_mode) = self.streaming_mode {
            config.insert("streaming_mode".to_owned(), streaming_mode.into());
        }
        if let Some(summary) = &self.summary {
            config.insert("summary".to_owned(), json!({ "content": summary }));
        }
        if let Some(streaming_config) = &self.streaming_config {
            config.insert("streaming_config".to_owned(), streaming_config.to_value());
        }
        if let Some(enable_forward) = self.enable_forward {
            config.insert("enable_forward".to_owned(), enable_forward.into());
        }
        if let Some(width_mode) = &self.width_mode {
            config.insert("width_mode".to_owned(), width_mode.as_str().into());
        }
        Value::Object(config)
    }
}

/// `config.streaming_config`: how fast streamed text is printed; fields left unset are
/// not sent (the platform then prints 1 character every 70 ms, strategy `fast`).
///
/// Decodes from its card JSON form; a number for `print_frequency_ms` or `print_step`
/// is the `default` of every platform.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamingConfig {
    #[serde(default, deserialize_with = "platform_values")]
    print_frequency_ms: Option<PlatformValues>,
    #[serde(default, deserialize_with = "platform_values")]
    print_step: Option<PlatformValues>,
    print_strategy: Option<PrintStrategy>,
}

/// A number (the `default` of every platform) or `{"default", "android"?, "ios"?, "pc"?}`.
fn platform_values<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<PlatformValues>, D::Error> {
    #[derive(Deserialize)]
    #[serde(
        untagged,
        expecting = "must be a number, or an object with `default` and optionally `android`, `ios`, `pc`"
    )]
    enum Form {
        Default(u32),
        Each(PlatformValues),
    }
    Ok(Option::<Form>::deserialize(deserializer)?.map(|form| match form {
        Form::Default(value) => PlatformValues::new(value),
        Form::Each(values) => values,
    }))
}

impl StreamingConfig {
    /// A streaming config with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `print_frequency_ms`: milliseconds between two printing steps, per platform.
    pub fn print_frequency_ms(mut self, values: PlatformValues) -> Self {
        self.print_frequency_ms = Some(values);
        self
    }

    /// Sets `print_step`: characters printed per step, per platform.
    pub fn print_step(mut self, values: PlatformValues) -> Self {
        self.print_step = Some(values);
        self
    }

    /// Sets `print_strategy`.
    pub fn print_strategy(mut self, strategy: PrintStrategy) -> Self {
        self.print_strategy = Some(strategy);
        self
    }

    pub(crate) fn to_value(&self) -> Value {
        let mut streaming = Map::new();
        if let Some(values) = &self.print_frequency_ms {
            streaming.insert("print_frequency_ms".to_owned(), values.to_value());
        }
        if let Some(values) = &self.print_step {
            streaming.insert("print_step".to_owned(), values.to_value());
        }
        if let Some(strategy) = &self.print_strategy {
            streaming.insert("print_strategy".to_owned(), strategy.as_str().into());
        }
        Value::Object(streaming)
    }
}

/// A number per client platform: `{"default", "android", "ios", "pc"}`; a platform left
/// unset is not sent and uses `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformValues {
    default: u32,
    android: Option<u32>,
    ios: Option<u32>,
    pc: Option<u32>,
}

impl PlatformValues {
    /// Only `default`, used by every platform.
    pub fn new(default: u32) -> Self {
        Self { default, android: None, ios: None, pc: None }
    }

    /// The same value written out for `default` and each platform.
    pub fn all(value: u32) -> Self {
        Self { default: value, android: Some(value), ios: Some(value), pc: Some(value) }
    }

    /// Sets the Android value.
    pub fn android(mut self, value: u32) -> Self {
        self.android = Some(value);
        self
    }

    /// Sets the iOS value.
    pub fn ios(mut self, value: u32) -> Self {
        self.ios = Some(value);
        self
    }

    /// Sets the desktop value.
    pub fn pc(mut self, value: u32) -> Self {
        self.pc = Some(value);
        self
    }

    fn to_value(self) -> Value {
        let mut values = Map::new();
        values.insert("default".to_owned(), self.default.into());
        for (platform, value) in [("android", self.android), ("ios", self.ios), ("pc", self.pc)] {
            if let Some(value) = value {
                values.insert(platform.to_owned(), value.into());
            }
        }
        Value::Object(values)
    }
}
