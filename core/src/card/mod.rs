//! Card JSON 2.0: local checks of a card entity and a builder of the common components.
//!
//! [`check_card_entity`] mirrors the card entity endpoint's rejections; [`Card`] builds
//! cards that pass it without hand-written JSON. The bindings' card builders hand a card
//! spec to [`crate::content::build_content`], which decodes it into this builder.

mod builder;
mod check;
mod elements;
pub(crate) mod spec;

pub use builder::{
    Card, Config, Header, HeaderTemplate, PlatformValues, PrintStrategy, StreamingConfig, WidthMode,
};
pub use check::{
    ADVISED_CARD_BYTES, MAX_CARD_CHARS, MAX_COMPONENTS, MAX_NESTING, check_card_entity,
    check_card_entity_str, check_components, is_element_id,
};
pub use elements::{Button, ButtonType, Column, Element};

#[cfg(test)]
mod builder_tests;
#[cfg(test)]
mod check_tests;
