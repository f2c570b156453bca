"""Every inline button's callback data, in one registry: a typed payload per kind (in the
spirit of aiogram's `CallbackData`), encoded as its tag and its fields joined by ":".

A kind is a frozen dataclass declaring its `tag`; its fields are `int`, `str` or a `StrEnum`
(optional ones last, and only the last may contain ":"). `decode` gives back the payload of
any data, or None for data that is malformed, forged, or from an older keyboard; handlers
then answer that the button has expired. No tag is a prefix of another (checked on import),
so no handler takes another's buttons. The wire format is the one the bot always sent, so
keyboards already in chats keep working.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Self, TypeVar

MAX_BYTES = 64
"""Telegram's limit on a button's callback data."""
SEP = ":"

_KINDS: dict[str, type[Payload]] = {}
P = TypeVar("P", bound="Payload")


class PayloadTooLong(ValueError):
    """The encoded data would not fit in a button."""


@dataclasses.dataclass(frozen=True)
class Payload:
    """A button's data; subclass with `class X(Payload, tag="x:")` and dataclass fields."""

    tag: ClassVar[str]

    def __init_subclass__(cls, tag: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not tag:
            raise TypeError(f"{cls.__name__} needs a tag")
        for other in _KINDS:
            if other.startswith(tag) or tag.startswith(other):
                raise TypeError(f"{cls.__name__}'s tag {tag!r} overlaps {other!r}")
        cls.tag = tag
        _KINDS[tag] = cls

    def encode(self) -> str:
        """The callback data; PayloadTooLong if it exceeds Telegram's 64 bytes."""
        values = [getattr(self, f.name) for f in dataclasses.fields(self)]
        while values and values[-1] is None:
            values.pop()
        data = self.tag + SEP.join(_text(value) for value in values)
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise PayloadTooLong(data)
        return data

    def fits(self) -> bool:
        """Whether the payload fits in a button."""
        try:
            self.encode()
        except PayloadTooLong:
            return False
        return True

    @classmethod
    def parse(cls, data: object) -> Self | None:
        """This kind's payload in `data`, or None (another kind's, or not valid)."""
        payload = decode(data)
        return payload if isinstance(payload, cls) else None

    @classmethod
    def matches(cls, *values: Any) -> Callable[[object], bool]:
        """A CallbackQueryHandler pattern: data of this kind whose first field is one of
        `values` (any, without values)."""

        def match(data: object) -> bool:
            payload = cls.parse(data)
            if payload is None:
                return False
            if not values:
                return True
            first = getattr(payload, dataclasses.fields(payload)[0].name)
            return first in values

        return match


def decode(data: object) -> Payload | None:
    """The payload behind callback data, or None when no kind knows it or it is malformed."""
    if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    for tag, kind in _KINDS.items():
        if data.startswith(tag):
            return _build(kind, data[len(tag) :])
    return None


def kinds() -> dict[str, type[Payload]]:
    """Every registered kind, by tag."""
    return dict(_KINDS)


def _text(value: object) -> str:
    return value.value if isinstance(value, enum.Enum) else str(value)


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(kind: type[Payload]) -> dict[str, Any]:
    """The field types of a payload kind (worked out once per kind)."""
    hints = _HINTS.get(kind)
    if hints is None:
        hints = _HINTS[kind] = typing.get_type_hints(kind)
    return hints


def _build(kind: type[P], rest: str) -> P | None:
    fields = dataclasses.fields(kind)
    hints = _hints(kind)
    parts = rest.split(SEP, len(fields) - 1) if rest or fields else []
    if len(parts) > len(fields):
        return None
    values: dict[str, Any] = {}
    for field, part in zip(fields, parts, strict=False):
        value = _convert(hints[field.name], part)
        if value is None:
            return None
        values[field.name] = value
    try:
        return kind(**values)
    except TypeError:  # a required field missing
        return None


def _convert(hint: Any, text: str) -> Any:
    """`text` as the field's type, or None when it is not one."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if option is type(None):
            continue
        if option is int:
            return int(text) if text.isascii() and text.isdecimal() else None
        if option is str:
            return text
        if isinstance(option, type) and issubclass(option, enum.Enum):
            try:
                return option(text)
            except ValueError:
                return None
    return None


# --- the kinds ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Ask(Payload, tag="ask:"):
    """A suggested question, carried whole."""

    question: str


@dataclasses.dataclass(frozen=True)
class AskKey(Payload, tag="ask#"):
    """A suggested question too long for a button: the key of its text in the store."""

    key: str


class BroadcastAction(enum.StrEnum):
    AUDIENCE = "aud"
    DISTRICTS = "districts"
    DISTRICT = "dist"
    NOW = "now"
    CONFIRM = "confirm"
    DISCARD = "discard"
    STOP = "stop"


@dataclasses.dataclass(frozen=True)
class BroadcastButton(Payload, tag="bc:"):
    """/broadcast's steps; `arg` is the audience, the district or the broadcast id."""

    action: BroadcastAction
    arg: str | None = None


class SubmitAction(enum.StrEnum):
    CATEGORY = "cat"
    SKIP_NAME = "skip"
    KEEP_NAME = "keep"
    CANCEL = "cancel"


@dataclasses.dataclass(frozen=True)
class SubmitButton(Payload, tag="sub:"):
    """/submit's guided steps; a category button carries the category's index."""

    action: SubmitAction
    index: int | None = None


class ReviewAction(enum.StrEnum):
    """What a review button does."""

    APPROVE = "ok"
    REJECT = "no"
    """Show the reasons to choose from."""
    REASON = "why"
    """Reject with the preset reason `reason`."""
    TYPE_REASON = "type"
    SKIP = "skip"
    BACK = "back"


@dataclasses.dataclass(frozen=True)
class ReviewButton(Payload, tag="rev:"):
    """/review's buttons, naming the submission by id."""

    action: ReviewAction
    submission_id: int
    reason: int | None = None


class SubscribeAction(enum.StrEnum):
    DISTRICTS = "districts"
    DISTRICT = "d"
    TOPIC = "t"
    DONE = "done"


@dataclasses.dataclass(frozen=True)
class SubscribeButton(Payload, tag="subs:"):
    """/subscribe's buttons; `arg` is the district (empty: the whole city) or the topic."""

    action: SubscribeAction
    arg: str | None = None


class SettingsAction(enum.StrEnum):
    TIME = "time"


@dataclasses.dataclass(frozen=True)
class SettingsButton(Payload, tag="set:"):
    """/settings' digest time buttons."""

    action: SettingsAction
    value: str


class TeachAction(enum.StrEnum):
    ANSWER = "ans"
    EDIT = "edit"
    DELETE = "del"
    DELETE_CONFIRM = "delok"
    CONFIRM = "confirm"
    DISCARD = "discard"


@dataclasses.dataclass(frozen=True)
class TeachButton(Payload, tag="faq:"):
    """/unanswered and /faq: `ref` is an unanswered question's row id or an FAQ card's id."""

    action: TeachAction
    ref: str | None = None


class ImportAction(enum.StrEnum):
    APPLY = "apply"
    DISCARD = "discard"


@dataclasses.dataclass(frozen=True)
class ImportButton(Payload, tag="imp:"):
    """A previewed content file: apply or discard the upload `key`."""

    action: ImportAction
    key: str
