"""Personal answers: a question about the asker's own submissions or subscription, answered
from their rows (the engine marks such answers with a `personal_…` intent)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from bot import messages
from bot.creators.categories import CATEGORIES
from bot.outreach.subscriptions import TOPICS, Subscriptions
from bot.store.models import DEFAULT_DIGEST_TIME

if TYPE_CHECKING:  # the submission service pulls in the link fetcher: not for `kepubot ask`
    from bot.creators.submissions import SubmissionService
    from bot.settings import Settings

PERSONAL_PREFIX = "personal_"
LISTED_SUBMISSIONS = 5


def card_settings(settings: Settings | None = None) -> dict[str, object]:
    """The bot's defaults and settings that the engine's feature cards name."""
    values: dict[str, object] = {
        "digest_time": DEFAULT_DIGEST_TIME,
        "categories": "、".join(CATEGORIES),
    }
    if settings is not None:
        values["deadline_days"] = "、".join(str(d) for d in settings.deadline_reminder_days)
        values["deadline_time"] = settings.deadline_reminder_time
    return values


class PersonalAnswers:
    """Fills a personal answer for a known user (plain text)."""

    def __init__(self, submissions: SubmissionService, subscriptions: Subscriptions) -> None:
        self._submissions = submissions
        self._subscriptions = subscriptions

    def answer(self, intent: str, user_id: int) -> str | None:
        """The user's own answer for a `personal_…` intent; None for any other intent."""
        kind = intent.removeprefix(PERSONAL_PREFIX)
        if kind == intent:
            return None
        if kind == "submissions":
            return self._about_submissions(user_id)
        if kind == "subscription":
            return self._about_subscription(user_id)
        return None

    def _about_submissions(self, user_id: int) -> str:
        mine = self._submissions.mine(user_id)
        if not mine:
            return messages.PERSONAL_NO_SUBMISSIONS
        counts = Counter(messages.STATUS_LABELS[s.status] for s in mine)
        lines = [
            messages.PERSONAL_SUBMISSION_LINE.format(
                platform=s.platform,
                title=s.title or s.canonical_url,
                status=messages.STATUS_LABELS[s.status],
                reason=messages.PERSONAL_REASON.format(reason=s.review_reason)
                if s.review_reason
                else "",
            )
            for s in mine[:LISTED_SUBMISSIONS]
        ]
        return messages.PERSONAL_SUBMISSIONS.format(
            count=len(mine),
            counts=messages.LIST_SEP.join(f"{label}{n}个" for label, n in counts.items()),
            lines="\n".join(lines),
        )

    def _about_subscription(self, user_id: int) -> str:
        info = self._subscriptions.get(user_id)
        if info is None or not info.active:
            return messages.PERSONAL_NOT_SUBSCRIBED
        topics = messages.LIST_SEP.join(TOPICS.get(t, t) for t in info.topics)
        return messages.PERSONAL_SUBSCRIPTION.format(
            time=info.digest_time,
            district=info.district or messages.SUBSCRIBE_WHOLE_CITY,
            topics=topics or messages.SUBSCRIBE_NO_TOPICS,
        )
