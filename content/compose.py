"""Composing answers from the knowledge snapshot: one reply method per intent."""

from __future__ import annotations

import dataclasses
from collections import Counter

from content import wording as W
from content.models import (
    Activity,
    Contact,
    ContentArea,
    Document,
    Event,
    Faq,
    Platform,
    ReportingRequirement,
    Venue,
)
from content.reply_activities import ActivityReplies
from content.reply_base import (
    RETRIEVAL_MIN_COVERAGE,
    RETRIEVAL_MIN_SCORE,
    SUGGEST_MIN_COVERAGE,
    Reply,
)
from content.reply_events import EventReplies
from content.reply_notice import NoticeReplies
from content.understanding import Parsed, asked_thing

__all__ = ["Composer", "Reply"]


class Composer(NoticeReplies, ActivityReplies, EventReplies):
    """Turns a parsed question into a reply, using only what the snapshot holds."""

    # -- retrieval and fallback ------------------------------------------------------------
    def best_faq(self, p: Parsed) -> Faq | None:
        """An FAQ entry that clearly answers the question, if there is one."""
        for hit in p.doc_hits[:2]:
            if hit.kind == "faq" and hit.coverage >= RETRIEVAL_MIN_COVERAGE:
                item = self.k.get(Faq, hit.id)
                if isinstance(item, Faq):
                    return item
        return None

    def on_faq(self, p: Parsed) -> Reply:
        faq = self.best_faq(p)
        return self.reply(faq.answer, "faq", faq.id) if faq else self.on_retrieval(p)

    def on_retrieval(self, p: Parsed) -> Reply:
        good = sorted(
            (
                h
                for h in p.doc_hits
                if h.coverage >= RETRIEVAL_MIN_COVERAGE and h.score >= RETRIEVAL_MIN_SCORE
            ),
            key=lambda h: (-round(h.coverage, 1), -h.score),
        )
        if good:
            reply = self.render_doc(good[0].kind, good[0].id, p)
            if reply is not None:
                return reply
        if p.strong_event:
            return self.on_event_detail(p)
        if p.mentions.get("activity"):
            return self.activity_detail(self._activity(p.mentions["activity"][0]))
        return self.fallback(p)

    def render_doc(self, kind: str, ident: str, p: Parsed) -> Reply | None:
        item = self.k.by_id.get(
            {
                "activity": "Activity",
                "area": "ContentArea",
                "requirement": "ReportingRequirement",
                "document": "Document",
                "platform": "Platform",
                "contact": "Contact",
                "faq": "Faq",
                "venue": "Venue",
                "guiding": "Campaign",
            }[kind]
            + ":"
            + ident
        )
        if kind == "guiding":
            return self.on_guiding(p)
        if isinstance(item, Activity):
            return self.activity_detail(item)
        if isinstance(item, Faq):
            return self.reply(item.answer, "faq", item.id)
        if isinstance(item, ContentArea):
            return self.reply(f"{item.title}：{item.description}", "content_areas", item.id)
        if isinstance(item, ReportingRequirement):
            text = self.summary_text(item, p) if item.kind == "summary" else item.description
            return self.reply(text, "reporting", item.id)
        if isinstance(item, Contact):
            return self.on_contacts(p)
        if isinstance(item, Platform):
            return self.on_platform(p)
        if isinstance(item, Venue):
            return self.venue_detail(item, p)
        if isinstance(item, Document):
            return self.on_documents(p)
        return None

    def on_fallback(self, p: Parsed) -> Reply:
        return self.fallback(p)

    def fallback(self, p: Parsed) -> Reply:
        name = asked_thing(p, self.lexicon)
        if name is not None and p.unknown_words and not name.startswith("我"):  # 我投过的稿
            return self.not_listed(name, p)
        suggestions = []
        for hit in p.doc_hits:
            if hit.coverage < SUGGEST_MIN_COVERAGE:
                continue
            item = self.k.by_id.get(("Activity:" if hit.kind == "activity" else "Faq:") + hit.id)
            if isinstance(item, Activity):
                suggestions.append(W.SUGGEST_ACTIVITY.format(name=item.name))
            elif isinstance(item, Faq):
                suggestions.append(W.SUGGEST_FAQ.format(question=item.question))
        text = W.FALLBACK.format(campaign=self.c.name, contact=self.contact_text())
        if p.off_topic:  # another subject: no card or FAQ stands in for it
            reply = self.reply(text, "fallback")
            return dataclasses.replace(reply, settled=True, about_elsewhere=True)
        if suggestions:
            text += "\n" + W.FALLBACK_SUGGEST + "\n" + "\n".join(f"· {s}" for s in suggestions[:3])
        return self.reply(text, "fallback", suggestions=tuple(suggestions[:3]))

    def not_listed(self, name: str, p: Parsed) -> Reply:
        """A named event the store does not hold: say so, offer the nearest published ones.
        Still a fallback, so organizers see it among the unanswered questions."""
        lines = [W.EVENT_NOT_LISTED.format(name=name)]
        nearest = [self.k.get(Event, hit.id) for hit in p.event_hits[:3]]
        titles = [event.title for event in nearest if isinstance(event, Event)]
        if not titles:  # no shared word: titles sharing the most pairs of characters
            shared = Counter(
                t for pair in _char_pairs(name) for t in self.k.title_pairs.get(pair, ())
            )
            titles = [
                title for title, _ in sorted(shared.items(), key=lambda x: (-x[1], x[0]))[:3]
            ]
        if titles:
            lines.append(W.EVENT_NEAREST.format(titles=W.LIST_SEP.join(titles)))
        lines.append(W.EVENT_NOT_LISTED_ASK.format(contact=self.contact_text()))
        suggestions = [W.SUGGEST_EVENT.format(title=title) for title in titles]
        suggestions.append(W.RELATED_QUESTIONS["events"].format(**self.facts()))
        reply = self.reply("\n".join(lines), "fallback", suggestions=tuple(suggestions[:3]))
        return dataclasses.replace(reply, settled=True)


def _char_pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}
