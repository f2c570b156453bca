"""Every feature's button data starts with its own prefix, so no handler takes another's."""

from __future__ import annotations

import itertools

from handlers.telegram import (
    broadcast,
    content_updates,
    replies,
    review,
    submit,
    subscribe,
    teach,
)


def test_button_prefixes_are_distinct() -> None:
    prefixes = {
        "broadcast": broadcast.PREFIX,
        "content updates": content_updates.PREFIX,
        "subscribe": subscribe.PREFIX,
        "review": review.REVIEW_PREFIX + ":",
        "submit": submit.SubmitButton.CANCEL.split(":")[0] + ":",
        "question (text)": replies.ASK_TEXT_PREFIX,
        "question (key)": replies.ASK_KEY_PREFIX,
        "teach": teach.PREFIX,
    }
    for (a, pa), (b, pb) in itertools.permutations(prefixes.items(), 2):
        assert not pb.startswith(pa), f"{b} buttons ({pb!r}) would match {a}'s ({pa!r})"
