"""What a creator is told about the links they handed in, on every channel (Telegram-free).

The texts are HTML with escaped values (Telegram sends them as they are; the web chat shows
them as plain text through `bot.formatting.to_plain`).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import messages
from bot.creators.links import MAX_LINKS_PER_MESSAGE, MAX_TEXT_CHARS
from bot.creators.submissions import Outcome, SubmissionResult, SubmissionService
from bot.formatting import escape

MAX_SHOWN_LINK = 80


def results_text(
    results: list[SubmissionResult],
    submissions: SubmissionService,
    tz: ZoneInfo,
    accepts: str | None = messages.SUBMIT_ACCEPTS,
    next_steps: str | None = None,
) -> str:
    """One line per link (accepted, already handed in, refused and why); after a refusal,
    what is accepted (`accepts`: the channel's own wording of SUBMIT_ACCEPTS, or None for a
    pointer to it, once the creator has seen it); after an accepted link, `next_steps`."""
    hashtag = escape(submissions.hashtag)
    lines = []
    for result in results:
        view = result.submission
        link = escape(short_link(result.link))
        if result.outcome == Outcome.REFUSED:
            reason = messages.REFUSALS[result.refusal or "not_a_link"].format(
                max=MAX_TEXT_CHARS if result.refusal == "too_long" else MAX_LINKS_PER_MESSAGE
            )
            template = messages.RESULT_REFUSED if link else messages.RESULT_REFUSED_TEXT
            lines.append(template.format(link=link, reason=reason))
        elif view is None or result.outcome == Outcome.REPEATED:
            continue
        elif result.outcome == Outcome.ACCEPTED:
            if view.title:
                line = messages.RESULT_ACCEPTED.format(
                    platform=escape(view.platform), title=escape(view.title)
                )
            else:
                line = messages.RESULT_ACCEPTED_NO_TITLE.format(
                    platform=escape(view.platform), link=escape(short_link(view.canonical_url))
                )
            if view.has_hashtag:
                line += messages.RESULT_HASHTAG_SEEN.format(hashtag=hashtag)
            lines.append(line)
        else:
            template = messages.RESULT_DUPLICATE_OWN if result.own else messages.RESULT_DUPLICATE
            lines.append(
                template.format(
                    date=view.submitted_at.astimezone(tz).strftime("%Y-%m-%d"),
                    link=escape(short_link(view.canonical_url)),  # not the pasted tracking link
                    status=messages.STATUS_LABELS[view.status],
                )
            )
    if next_steps and any(result.outcome == Outcome.ACCEPTED for result in results):
        lines.append(next_steps)
    if any(result.outcome == Outcome.REFUSED for result in results):
        lines.append("")
        lines.append(
            messages.RESULT_SEE_ACCEPTS if accepts is None else accepts_text(submissions, accepts)
        )
    return "\n".join(lines)


def accepts_text(submissions: SubmissionService, template: str = messages.SUBMIT_ACCEPTS) -> str:
    """What is accepted: the platforms and the campaign's topic tag."""
    return template.format(
        platforms=escape("、".join(submissions.rules.platform_names)),
        hashtag=escape(submissions.hashtag),
    )


def short_link(link: str) -> str:
    """A link cut to MAX_SHOWN_LINK characters for a reply."""
    return link if len(link) <= MAX_SHOWN_LINK else link[: MAX_SHOWN_LINK - 1] + "…"
