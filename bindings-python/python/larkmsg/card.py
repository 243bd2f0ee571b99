"""Card JSON 2.0 cards, built and checked by the core.

A :class:`Card` collects a header, a config and components; the core builds the card from
them (``larkmsg::content::build_content``), checks it against card JSON 2.0's rules (a
broken rule raises :class:`larkmsg.ValidationError`) and writes it::

    card = (
        Card()
        .header("Deploy", subtitle="prod", template="green")
        .markdown("**done** in 3 min", element_id="summary")
        .button("Approve", type="primary", value={"action": "approve"})
        .column_set(Column([Markdown("left")]), Column([Markdown("right")], weight=2))
    )
    client.send("open_id", "ou_xxx", card.to_content())
    client.create_card(type="card_json", data=card.to_json())

Components are the classes below, or any card JSON component as a mapping with a
``"tag"`` (a form, a collapsible panel, …), passed as is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

from .content import Content, _build, _given

__all__ = [
    "Card",
    "Markdown",
    "PlainText",
    "Button",
    "Image",
    "Divider",
    "ColumnSet",
    "Column",
    "StreamingConfig",
    "PlatformValues",
    "Element",
    "HeaderTemplate",
    "ButtonType",
    "PrintStrategy",
    "WidthMode",
]

# Each enum is a Union of Literals, an alias stubtest recognises at run time.
HeaderTemplate = Union[
    Literal["blue"],
    Literal["wathet"],
    Literal["turquoise"],
    Literal["green"],
    Literal["yellow"],
    Literal["orange"],
    Literal["red"],
    Literal["carmine"],
    Literal["violet"],
    Literal["purple"],
    Literal["indigo"],
    Literal["grey"],
    Literal["default"],
]
"""The colour theme of a card's header."""

ButtonType = Union[
    Literal["default"],
    Literal["primary"],
    Literal["danger"],
    Literal["text"],
    Literal["primary_text"],
    Literal["danger_text"],
    Literal["primary_filled"],
    Literal["danger_filled"],
    Literal["laser"],
]
"""A button's style."""

PrintStrategy = Union[
    Literal["fast"],
    Literal["delay"],
]
"""How streamed text catches up after an update."""

WidthMode = Union[
    Literal["default"],
    Literal["compact"],
    Literal["fill"],
]
"""How wide the card is shown."""


class _Component:
    """A component the core builds from its spec."""

    def _spec(self) -> dict[str, Any]:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The component's card JSON, as the core builds it."""
        built: dict[str, Any] = _build({"element": self._spec()})["element"]
        return built


@dataclass(frozen=True)
class Markdown(_Component):
    """A ``markdown`` component."""

    content: str
    element_id: str | None = None

    def _spec(self) -> dict[str, Any]:
        return {"markdown": _given(content=self.content, element_id=self.element_id)}


@dataclass(frozen=True)
class PlainText(_Component):
    """A ``div`` showing plain text."""

    content: str
    element_id: str | None = None

    def _spec(self) -> dict[str, Any]:
        return {"plain_text": _given(content=self.content, element_id=self.element_id)}


@dataclass(frozen=True)
class Button(_Component):
    """A ``button``: a click opens ``url``, sends ``value`` to the app's card callback, or both."""

    text: str
    type: ButtonType | None = None
    url: str | None = None
    value: Any = None
    element_id: str | None = None

    def _spec(self) -> dict[str, Any]:
        fields = _given(
            text=self.text, type=self.type, url=self.url, value=self.value, element_id=self.element_id
        )
        return {"button": fields}


@dataclass(frozen=True)
class Image(_Component):
    """An ``img`` showing the uploaded image ``img_key``, described by ``alt``."""

    img_key: str
    alt: str | None = None
    element_id: str | None = None

    def _spec(self) -> dict[str, Any]:
        return {"image": _given(img_key=self.img_key, alt=self.alt, element_id=self.element_id)}


@dataclass(frozen=True)
class Divider(_Component):
    """An ``hr`` divider."""

    element_id: str | None = None

    def _spec(self) -> dict[str, Any]:
        return {"divider": _given(element_id=self.element_id)}


Element = Union[Markdown, PlainText, Button, Image, Divider, "ColumnSet", Mapping[str, Any]]
"""A card component: a builder component, or card JSON (a mapping with a ``"tag"``) as is."""


@dataclass(frozen=True)
class Column(_Component):
    """A ``column`` of a column set: its elements top to bottom.

    ``width`` is ``"weighted"`` (the default), ``"auto"`` or pixels such as ``"120px"``;
    ``weight`` (1 to 5, default 1) goes with ``"weighted"`` only.
    """

    elements: Sequence[Element] = ()
    width: str | None = None
    weight: int | None = None
    element_id: str | None = None

    def _spec(self) -> dict[str, Any]:
        elements = [_component_spec(element) for element in self.elements]
        fields = _given(
            elements=elements, width=self.width, weight=self.weight, element_id=self.element_id
        )
        return {"column": fields}


@dataclass(frozen=True)
class ColumnSet(_Component):
    """A ``column_set``: columns side by side, each a :class:`Column` or a column's card JSON."""

    columns: Sequence[Column | Mapping[str, Any]]
    element_id: str | None = None

    def _spec(self) -> dict[str, Any]:
        columns = [_component_spec(column) for column in self.columns]
        return {"column_set": _given(columns=columns, element_id=self.element_id)}


@dataclass(frozen=True)
class PlatformValues:
    """A number per client platform; a platform left unset uses ``default``."""

    default: int
    android: int | None = None
    ios: int | None = None
    pc: int | None = None

    def _spec(self) -> dict[str, Any]:
        return _given(default=self.default, android=self.android, ios=self.ios, pc=self.pc)


@dataclass(frozen=True)
class StreamingConfig:
    """``config.streaming_config``: the pace of streamed text (a number is every platform's)."""

    print_frequency_ms: int | PlatformValues | None = None
    print_step: int | PlatformValues | None = None
    print_strategy: PrintStrategy | None = None

    def _spec(self) -> dict[str, Any]:
        return _given(
            print_frequency_ms=_platform_spec(self.print_frequency_ms),
            print_step=_platform_spec(self.print_step),
            print_strategy=self.print_strategy,
        )


def _platform_spec(values: int | PlatformValues | None) -> int | dict[str, Any] | None:
    return values._spec() if isinstance(values, PlatformValues) else values


def _component_spec(component: _Component | Mapping[str, Any]) -> dict[str, Any]:
    return component._spec() if isinstance(component, _Component) else dict(component)


class Card:
    """Builds a card JSON 2.0 card; each method returns the card, so calls chain."""

    def __init__(self) -> None:
        self._header: dict[str, Any] | None = None
        self._config: dict[str, Any] | None = None
        self._elements: list[dict[str, Any]] = []

    def header(
        self, title: str, *, subtitle: str | None = None, template: HeaderTemplate | None = None
    ) -> Card:
        """Sets the header: a title, and optionally a subtitle and a colour theme."""
        self._header = _given(title=title, subtitle=subtitle, template=template)
        return self

    def config(
        self,
        *,
        update_multi: bool | None = None,
        streaming_mode: bool | None = None,
        summary: str | None = None,
        streaming_config: StreamingConfig | None = None,
        enable_forward: bool | None = None,
        width_mode: WidthMode | None = None,
    ) -> Card:
        """Sets the global config; ``summary`` is the preview shown in the chat list."""
        self._config = _given(
            update_multi=update_multi,
            streaming_mode=streaming_mode,
            summary=summary,
            streaming_config=None if streaming_config is None else streaming_config._spec(),
            enable_forward=enable_forward,
            width_mode=width_mode,
        )
        return self

    def element(self, element: Element) -> Card:
        """Appends a component: a builder component, or card JSON (a mapping with a ``"tag"``)."""
        self._elements.append(_component_spec(element))
        return self

    def markdown(self, content: str, *, element_id: str | None = None) -> Card:
        """Appends a :class:`Markdown`."""
        return self.element(Markdown(content, element_id))

    def text(self, content: str, *, element_id: str | None = None) -> Card:
        """Appends a :class:`PlainText`."""
        return self.element(PlainText(content, element_id))

    def button(
        self,
        text: str,
        *,
        type: ButtonType | None = None,
        url: str | None = None,
        value: Any = None,
        element_id: str | None = None,
    ) -> Card:
        """Appends a :class:`Button`."""
        return self.element(Button(text, type, url, value, element_id))

    def image(self, img_key: str, *, alt: str | None = None, element_id: str | None = None) -> Card:
        """Appends an :class:`Image`."""
        return self.element(Image(img_key, alt, element_id))

    def divider(self, *, element_id: str | None = None) -> Card:
        """Appends a :class:`Divider`."""
        return self.element(Divider(element_id))

    def column_set(self, *columns: Column | Mapping[str, Any], element_id: str | None = None) -> Card:
        """Appends a :class:`ColumnSet` of ``columns``."""
        return self.element(ColumnSet(columns, element_id))

    def _spec(self) -> dict[str, Any]:
        return _given(header=self._header, config=self._config, elements=self._elements)

    def to_content(self) -> Content:
        """The card as an ``interactive`` :class:`~larkmsg.content.Content`, built and checked by
        the core."""
        return Content._of({"card": self._spec()})

    def to_json(self) -> str:
        """The card as JSON text, the ``data`` of a ``card_json`` card entity."""
        return self.to_content().content

    def to_dict(self) -> dict[str, Any]:
        """The card JSON (``schema``, ``header``, ``config``, ``body``)."""
        card: dict[str, Any] = json.loads(self.to_json())
        return card

