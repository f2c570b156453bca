"""The registry of button payloads: every kind's tag is its own, data round-trips within
Telegram's 64 bytes, and anything malformed or forged decodes to nothing."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from handlers.telegram import callbacks
from handlers.telegram.callbacks import (
    Ask,
    BroadcastAction,
    BroadcastButton,
    Payload,
    PayloadTooLong,
    ReviewAction,
    ReviewButton,
    SettingsAction,
    SettingsButton,
    SubmitAction,
    SubmitButton,
    SubscribeAction,
    SubscribeButton,
    decode,
)


def test_no_tag_is_a_prefix_of_another() -> None:
    tags = callbacks.kinds()
    assert len(tags) >= 9
    for a, b in itertools.permutations(tags, 2):
        assert not b.startswith(a), f"{tags[b].__name__} data would match {tags[a].__name__}'s"


def test_an_overlapping_kind_is_refused_at_import() -> None:
    with pytest.raises(TypeError, match="overlaps"):

        @dataclasses.dataclass(frozen=True)
        class Shadow(Payload, tag="bc:x"):  # would take /broadcast's buttons
            arg: str


@pytest.mark.parametrize(
    "payload",
    [
        BroadcastButton(BroadcastAction.NOW),
        BroadcastButton(BroadcastAction.DISTRICT, "渝中区"),
        BroadcastButton(BroadcastAction.STOP, "12"),
        SubmitButton(SubmitAction.CATEGORY, 3),
        SubmitButton(SubmitAction.CANCEL),
        ReviewButton(ReviewAction.REASON, 123456789012, 4),
        SubscribeButton(SubscribeAction.DISTRICT, ""),
        SettingsButton(SettingsAction.TIME, "08:00"),
        Ask("科普日在哪天？"),
    ],
)
def test_payloads_round_trip(payload: Payload) -> None:
    data = payload.encode()
    assert len(data.encode()) <= 64
    assert decode(data) == payload


def test_the_wire_format_of_keyboards_already_sent_still_decodes() -> None:
    assert decode("bc:aud:all") == BroadcastButton(BroadcastAction.AUDIENCE, "all")
    assert decode("sub:cat:2") == SubmitButton(SubmitAction.CATEGORY, 2)
    assert decode("set:time:20:00") == SettingsButton(SettingsAction.TIME, "20:00")
    assert decode("subs:d:") == SubscribeButton(SubscribeAction.DISTRICT, "")


@pytest.mark.parametrize(
    "forged",
    ["", "x", "bc:", "bc:nuke", "sub:cat:x", "sub:cat:-1", "rev:ok:", "rev:ok:1:2:3", None, 7],
)
def test_malformed_data_decodes_to_nothing(forged: object) -> None:
    assert decode(forged) is None


def test_data_over_64_bytes_is_refused() -> None:
    with pytest.raises(PayloadTooLong):
        Ask("科" * 30).encode()
    assert not Ask("科" * 30).fits()
    assert decode("ask:" + "科" * 30) is None
