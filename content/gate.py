"""The answer gate: cards of a snapshot, and the choice between a card, the composed answer,
an ask-back and the honest fallback, by calibrated confidence."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from content import wording as W
from content.cards import ANSWER, ASK_BACK, Card, CardHit, CardIndex, load_cards
from content.knowledge import Knowledge
from content.reply_base import Reply
from content.text import normalize

ASK_BACK_CARDS = 3
ANSWER_BY_KIND = {"name": 0.85}
"""A bare name (工商联) answers only when it is nearly all the question."""


def card_values(k: Knowledge, settings: Mapping[str, object]) -> dict[str, object]:
    """What card texts may name: the campaign's facts and the running bot's settings."""
    by_role = {d.role: d for d in k.documents}
    national = by_role.get("basis")
    notice = by_role.get("notice")
    return {
        "campaign": k.campaign.name,
        "hashtag": k.campaign.hashtag,
        "national_issuer": national.issuer if national else "",
        "national_title": national.title if national else "",
        "national_number": national.number if national else "",
        "notice_issuer": notice.issuer if notice else "",
        "notice_title": notice.title if notice else "",
        "notice_number": notice.number if notice else "",
        **settings,
    }


def store_cards(k: Knowledge) -> list[Card]:
    """Cards made from the store's own rows: each organizer, each FAQ entry."""
    cards = []
    for o in k.organizers:
        text = W.ORGANIZER_CARD.format(name=o.name, full_name=o.full_name, count=len(k.organizers))
        title = f"{o.name}的全称是什么？"
        names = (o.name, *o.aliases)
        cards.append(  # asked for by its full name: over whatever else the name matches
            Card(o.id, "fact", title, text, tuple(f"{n}全称" for n in names), W.FULL_NAME_WORDS)
        )
        cards.append(  # named alone: only where nothing else answers
            Card(f"{o.id}-name", "name", title, text, names, names, overrides=False)
        )
    cards += [
        Card(
            id=f.id,
            kind="faq",
            title=f.question,
            text=f.answer,
            examples=tuple(f.keywords),
            overrides=False,
        )
        for f in k.faqs
    ]
    return cards


@dataclass
class CardSet:
    """The cards of one snapshot and their index."""

    index: CardIndex
    store_text: str = ""
    """Every text of the store, joined: a word in it is no other subject's."""

    @classmethod
    def build(
        cls,
        k: Knowledge,
        settings: Mapping[str, object],
        background: list[str],
        words: Callable[[str], Iterable[str]] | None = None,
    ) -> CardSet:
        cards = load_cards(card_values(k, settings)) + store_cards(k)
        events = [
            normalize(" ".join((e.title, e.venue or "", e.description or ""))) for e in k.events
        ]
        index = CardIndex(cards, background, words=words)
        return cls(index, "\n".join([*background, *events]))

    def knows(self, word: str) -> bool:
        """A word of the store's texts or of the cards' examples."""
        return word in self.store_text or self.index.knows(word)

    def rank(self, text: str) -> list[CardHit]:
        return self.index.rank(text, limit=ASK_BACK_CARDS)


def card_reply(card: Card) -> Reply:
    intent = f"personal_{card.personal}" if card.personal else card.kind
    if intent == "name":
        intent = "fact"
    return Reply(card.text, intent, (card.id,))


PERSONAL_ANSWER = 0.45
"""A personal card (it needs 我) answers over the composed answer from here: a question
about the asker's own submissions or subscription is never about the notice."""


BOT_CARDS = ("feature", "personal")
"""Cards about the bot itself: they may answer what is about nothing of the store."""
PERSONAL_MARGIN = 0.1
"""A personal card this close to the top card answers instead: 我 asks about one's own rows."""


def confident_card(hits: list[CardHit]) -> Card | None:
    """The card that answers over the composed answer, if one is confident enough."""
    if not hits or not hits[0].card.overrides:
        return None
    top = hits[0]
    mine = next((h for h in hits if h.card.personal), None)  # its `needs` (我) are met
    if (
        mine is not None
        and mine.confidence >= PERSONAL_ANSWER
        and (top.confidence - mine.confidence <= PERSONAL_MARGIN)
    ):
        return mine.card  # 我的投稿被拒了为啥: the asker's own rows over the how-to
    if top.confidence >= (PERSONAL_ANSWER if top.card.personal else ANSWER):
        return top.card
    return None


def after_fallback(hits: list[CardHit], fallback: Reply) -> Reply:
    """What to say instead of a fallback: a confident card, else an ask-back with the cards
    in the middle band, else the fallback itself (always, when it is `settled`)."""
    if fallback.settled:  # no store card stands in; on another subject the bot's own may
        hits = [h for h in hits if h.card.kind in BOT_CARDS] if fallback.about_elsewhere else []
        if not hits or hits[0].confidence < ASK_BACK:
            return fallback
    if hits and hits[0].confidence >= ANSWER_BY_KIND.get(hits[0].card.kind, ANSWER):
        return card_reply(hits[0].card)
    middle = [h.card for h in hits if h.confidence >= ASK_BACK and h.card.kind != "name"]
    if not middle:
        return fallback
    if len(middle) == 1:  # one likely card: say it, marked as a guess
        card = middle[0]
        text = W.ASK_BACK_ONE.format(title=card.title, text=card.text)
        return Reply(text, "clarify", (card.id,), suggestions=(card.title,))
    titles = tuple(c.title for c in middle[:ASK_BACK_CARDS])
    lines = "\n".join(f"{i}. {t}" for i, t in enumerate(titles, 1))
    return Reply(W.ASK_BACK.format(lines=lines), "clarify", suggestions=titles)
