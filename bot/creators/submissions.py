"""Creators' video submissions: hand in, de-duplicate, review with an audit trail, showcase.

Telegram-free and blocking (each call is one short unit of work); the handlers call it
through `asyncio.to_thread`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from bot.channels import Channel
from bot.clock import Clock
from bot.creators.categories import CATEGORIES, OTHER_CATEGORY
from bot.creators.fetcher import FetchFailed, PageFetcher, PageInfo, page_info
from bot.creators.links import (
    MAX_LINKS_PER_MESSAGE,
    MAX_TEXT_CHARS,
    Link,
    LinkRefused,
    LinkRules,
    Refusal,
    find_link_candidates,
    parse_link,
)
from bot.store.models import Submission, SubmissionReview
from content.db import session_scope
from content.models import Campaign

log = logging.getLogger(__name__)

FALLBACK_HASHTAG = "#千万IP创科普#"
MAX_TITLE_CHARS = 200
MAX_REASON_CHARS = 500
MAX_CONTACT_CHARS = 100
FETCH_WORKERS = 4


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REPEATED = "repeated"
    """The same message seen again (a re-delivered update): nothing new to say."""
    REFUSED = "refused"


@dataclass(frozen=True)
class SubmissionView:
    """A submission as plain values."""

    id: int
    platform: str
    canonical_url: str
    submitted_url: str
    title: str | None
    author: str | None
    category: str | None
    creator_id: int
    creator_name: str | None
    has_hashtag: bool
    status: Status
    submitted_at: datetime
    resolved: bool = True
    page_read: bool = True
    """False: the video page could not be fetched (its author and tag were not checked)."""
    reviewed_at: datetime | None = None
    reviewed_by: int | None = None
    review_reason: str | None = None
    channel: Channel = Channel.TELEGRAM
    contact: str | None = None


@dataclass(frozen=True)
class SubmissionResult:
    """What became of one link of a message."""

    link: str
    outcome: Outcome
    submission: SubmissionView | None = None
    refusal: Refusal | None = None
    own: bool = False
    """For a duplicate: the same creator handed it in before."""
    fetched: bool = False


@dataclass(frozen=True)
class ReviewView:
    """One entry of the audit trail."""

    decision: Status
    reason: str | None
    reviewer_id: int
    decided_at: datetime


@dataclass(frozen=True)
class DecisionResult:
    """A review decision and whether it changed anything (a double press changes nothing)."""

    submission: SubmissionView
    previous: Status
    changed: bool


class SubmissionNotFound(LookupError):
    """No such submission (withdrawn by its creator, or a crafted id)."""


def campaign_hashtag(engine: Engine) -> str:
    """The campaign's topic tag from the content store (#千万IP创科普# in 2024)."""
    with Session(engine) as session:
        tag = session.exec(select(Campaign.hashtag)).first()
    return tag or FALLBACK_HASHTAG


@dataclass(frozen=True)
class ShareText:
    """What a platform's share text says next to its link: 【the title】 and topic tags."""

    title: str | None = None
    text: str = ""

    def mentions(self, hashtag: str) -> bool:
        word = hashtag.strip("#").casefold()
        return bool(word) and word in self.text.casefold()


_TAG = re.compile(r"#[^#\s]+#?")
_SHARE_TITLE = re.compile(rf"【([^【】]{{1,{MAX_TITLE_CHARS}}})】")


def share_texts(text: str, links: Sequence[str]) -> list[ShareText]:
    """For each link of a message, the share text that goes with it: the words before it
    (after the previous link), or the whole message when it holds one link."""
    if len(links) == 1:
        segments = [text]
    else:
        segments, cursor = [], 0
        for link in links:
            bare = link if link in text[cursor:] else link.removeprefix("https://")
            at = text.find(bare, cursor)
            at = cursor if at < 0 else at
            segments.append(text[cursor:at])
            cursor = at + len(bare)
    shares = []
    for segment in segments:
        titles = _SHARE_TITLE.findall(segment)
        title = " ".join(_TAG.sub(" ", titles[-1]).split()) if titles else ""
        shares.append(ShareText(title or None, segment))
    return shares


@dataclass
class _Candidate:
    text: str
    share: ShareText = field(default_factory=ShareText)
    link: Link | None = None
    refusal: Refusal | None = None
    info: PageInfo | None = None
    fetched: bool = False


class SubmissionService:
    """Submissions and their review (blocking calls; one short session each)."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        rules: LinkRules,
        fetcher: PageFetcher,
        hashtag: str = FALLBACK_HASHTAG,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self.rules = rules
        self.fetcher = fetcher
        self.hashtag = hashtag

    # --- handing in ---------------------------------------------------------------------------

    def submit(
        self,
        text: str,
        creator_id: int,
        source: str,
        channel: Channel = Channel.TELEGRAM,
    ) -> list[SubmissionResult]:
        """Every link in `text` (one message, `source` = "chat:message") as a submission."""
        if len(text) > MAX_TEXT_CHARS:
            return [SubmissionResult("", Outcome.REFUSED, refusal=Refusal.TOO_LONG)]
        found = find_link_candidates(text)
        if not found:
            return [SubmissionResult("", Outcome.REFUSED, refusal=Refusal.NOT_A_LINK)]
        if len(found) > MAX_LINKS_PER_MESSAGE:
            return [SubmissionResult("", Outcome.REFUSED, refusal=Refusal.TOO_MANY)]
        shares = share_texts(text, found)
        candidates = [self._parse(link, share) for link, share in zip(found, shares, strict=True)]
        to_fetch = [c for c in candidates if c.link and not self._known(c.link.canonical)]
        if to_fetch:
            with ThreadPoolExecutor(min(FETCH_WORKERS, len(to_fetch))) as pool:
                list(pool.map(self._fetch, to_fetch))
        return [self._store(c, creator_id, source, channel) for c in candidates]

    def submit_form(
        self,
        link: str,
        creator_id: int,
        source: str,
        channel: Channel,
        *,
        title: str | None = None,
        contact: str | None = None,
    ) -> list[SubmissionResult]:
        """A form's submission (the web chat): its link as `submit` takes a message, then the
        form's title for a video whose page gave none, and the contact on what was accepted."""
        results = self.submit(link, creator_id, source, channel)
        contact = " ".join((contact or "").split())[:MAX_CONTACT_CHARS] or None
        filled = []
        for result in results:
            view = result.submission
            if result.outcome == Outcome.ACCEPTED and view is not None:
                values: dict[str, object] = {"contact": contact}
                cleaned = " ".join((title or "").split())[:MAX_TITLE_CHARS]
                if cleaned and not view.title:
                    values["title"] = cleaned
                result = replace(result, submission=self._update(view.id, creator_id, **values))
            filled.append(result)
        return filled

    def _parse(self, text: str, share: ShareText) -> _Candidate:
        try:
            return _Candidate(text, share, link=parse_link(text, self.rules))
        except LinkRefused as refused:
            return _Candidate(text, share, refusal=refused.reason)

    def _fetch(self, candidate: _Candidate) -> None:
        """Resolve a short link and read the page's title and author (never raises)."""
        link = candidate.link
        assert link is not None
        try:
            page = self.fetcher.fetch(link.url)
        except LinkRefused as refused:
            candidate.link, candidate.refusal = None, refused.reason
            return
        except FetchFailed as failed:
            log.info("could not fetch %s: %s", link.url, failed)
            if link.is_short and failed.last_url:
                # The redirects may have reached the video before the page failed to load;
                # otherwise the short link itself is kept (still a valid submission).
                candidate.link = self._resolved(link, failed.last_url) or link
            return
        except Exception:  # a bug in parsing must not lose the submission
            log.exception("fetching %s failed", link.url)
            return
        if link.is_short:
            resolved = self._resolved(link, page.url)
            if resolved is None:
                candidate.link, candidate.refusal = None, Refusal.NOT_A_VIDEO
                return
            candidate.link = link = resolved
        if 200 <= page.status < 300:
            candidate.info = page_info(page, link.platform.title_suffixes)
            candidate.fetched = True

    def _resolved(self, short: Link, url: str) -> Link | None:
        """The long link a short link led to, if it is a video link of an accepted site."""
        try:
            link = parse_link(url, self.rules)
        except LinkRefused:
            return None
        return None if link.is_short else replace(link, url=short.url)

    def _known(self, canonical: str) -> bool:
        with Session(self._engine) as session:
            return _by_canonical(session, canonical) is not None

    def _store(
        self, candidate: _Candidate, creator_id: int, source: str, channel: Channel
    ) -> SubmissionResult:
        link = candidate.link
        if link is None:
            return SubmissionResult(candidate.text, Outcome.REFUSED, refusal=candidate.refusal)
        info = candidate.info or PageInfo()
        row = Submission(
            canonical_url=link.canonical,
            platform=link.platform.name,
            video_id=link.video_id,
            submitted_url=link.url,
            resolved=not link.is_short,
            creator_id=creator_id,
            source_message=source,
            channel=channel.value,
            title=info.title or candidate.share.title,
            author=info.author,
            has_hashtag=info.mentions(self.hashtag) or candidate.share.mentions(self.hashtag),
            page_read=candidate.fetched,
            submitted_at=self._clock(),
        )
        try:
            with session_scope(self._engine) as session:
                existing = _by_canonical(session, link.canonical)
                if existing is None:
                    session.add(row)
                    session.flush()
                    return SubmissionResult(
                        candidate.text, Outcome.ACCEPTED, _view(row), fetched=candidate.fetched
                    )
        except IntegrityError:  # handed in at the same moment by someone else
            with Session(self._engine) as session:
                existing = _by_canonical(session, link.canonical)
            if existing is None:  # pragma: no cover - a different constraint failed
                raise
        own = existing.creator_id == creator_id
        outcome = (
            Outcome.REPEATED if own and existing.source_message == source else Outcome.DUPLICATE
        )
        return SubmissionResult(candidate.text, outcome, _view(existing), own=own)

    # --- the creator's guided flow ------------------------------------------------------------

    def set_title(self, submission_id: int, creator_id: int, title: str) -> SubmissionView:
        """The creator's own title for a submission whose page gave none."""
        cleaned = " ".join(title.split())[:MAX_TITLE_CHARS]
        return self._update(submission_id, creator_id, title=cleaned or None)

    def set_category(self, ids: Sequence[int], creator_id: int, category: str) -> None:
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}")
        for submission_id in ids:
            self._update(submission_id, creator_id, category=category)

    def set_creator_name(self, ids: Sequence[int], creator_id: int, name: str | None) -> None:
        cleaned = " ".join((name or "").split())[:MAX_TITLE_CHARS] or None
        for submission_id in ids:
            self._update(submission_id, creator_id, creator_name=cleaned)

    def _update(self, submission_id: int, creator_id: int, **values: object) -> SubmissionView:
        with session_scope(self._engine) as session:
            row = session.get(Submission, submission_id)
            if row is None or row.creator_id != creator_id:
                raise SubmissionNotFound(submission_id)
            for name, value in values.items():
                setattr(row, name, value)
            session.add(row)
            return _view(row)

    def withdraw(self, ids: Sequence[int], creator_id: int) -> int:
        """Delete the creator's own submissions that no organizer has decided on yet."""
        with session_scope(self._engine) as session:
            reviewed = select(SubmissionReview.submission_id)
            result = session.exec(
                delete(Submission)
                .where(col(Submission.id).in_(ids))
                .where(col(Submission.creator_id) == creator_id)
                .where(col(Submission.id).not_in(reviewed))
            )
            return int(result.rowcount or 0)

    def last_creator_name(self, creator_id: int) -> str | None:
        """The name or organisation the creator gave last time, to offer it again."""
        query = (
            select(Submission.creator_name)
            .where(Submission.creator_id == creator_id)
            .where(col(Submission.creator_name).is_not(None))
            .order_by(col(Submission.id).desc())
        )
        with Session(self._engine) as session:
            return session.exec(query).first()

    def mine(self, creator_id: int, limit: int = 30) -> list[SubmissionView]:
        """The creator's submissions, newest first."""
        query = (
            select(Submission)
            .where(Submission.creator_id == creator_id)
            .order_by(col(Submission.id).desc())
            .limit(limit)
        )
        with Session(self._engine) as session:
            return [_view(row) for row in session.exec(query)]

    def get(self, submission_id: int) -> SubmissionView | None:
        with Session(self._engine) as session:
            row = session.get(Submission, submission_id)
            return _view(row) if row else None

    # --- reviewing ----------------------------------------------------------------------------

    def next_pending(self, skip: Collection[int] = ()) -> SubmissionView | None:
        """The oldest submission waiting for review, other than those skipped."""
        query = select(Submission).where(Submission.status == Status.PENDING)
        if skip:
            query = query.where(col(Submission.id).not_in(list(skip)))
        with Session(self._engine) as session:
            row = session.exec(query.order_by(col(Submission.id)).limit(1)).first()
            return _view(row) if row else None

    def pending_count(self) -> int:
        query = select(func.count()).where(Submission.status == Status.PENDING)
        with Session(self._engine) as session:
            return int(session.exec(query).one())

    def decide(
        self, submission_id: int, reviewer_id: int, decision: Status, reason: str | None = None
    ) -> DecisionResult:
        """Approve or reject (again, to change a decision); every change is kept in the trail."""
        decision = Status(decision)
        if decision not in (Status.APPROVED, Status.REJECTED):
            raise ValueError(f"not a decision: {decision!r}")
        reason = " ".join((reason or "").split())[:MAX_REASON_CHARS] or None
        if decision == Status.APPROVED:
            reason = None
        now = self._clock()
        with session_scope(self._engine) as session:
            row = session.get(Submission, submission_id)
            if row is None:
                raise SubmissionNotFound(submission_id)
            previous = Status(row.status)
            if previous == decision and row.review_reason == reason:
                return DecisionResult(_view(row), previous, changed=False)
            row.status, row.review_reason = decision.value, reason
            row.reviewed_by, row.reviewed_at = reviewer_id, now
            session.add(row)
            session.add(
                SubmissionReview(
                    submission_id=submission_id,
                    decision=decision.value,
                    reason=reason,
                    reviewer_id=reviewer_id,
                    decided_at=now,
                )
            )
            log.info("submission %s %s by %s", submission_id, decision.value, reviewer_id)
            return DecisionResult(_view(row), previous, changed=True)

    def history(self, submission_id: int) -> list[ReviewView]:
        """Every decision on a submission, oldest first."""
        query = (
            select(SubmissionReview)
            .where(SubmissionReview.submission_id == submission_id)
            .order_by(col(SubmissionReview.id))
        )
        with Session(self._engine) as session:
            return [
                ReviewView(Status(r.decision), r.reason, r.reviewer_id, r.decided_at)
                for r in session.exec(query)
            ]

    # --- showing and exporting ----------------------------------------------------------------

    def showcase(self, per_category: int = 5) -> dict[str, list[SubmissionView]]:
        """Recently approved videos by category (in CATEGORIES order), newest first."""
        query = (
            select(Submission)
            .where(Submission.status == Status.APPROVED)
            .order_by(col(Submission.reviewed_at).desc(), col(Submission.id).desc())
            .limit(per_category * len(CATEGORIES) * 4)
        )
        shown: dict[str, list[SubmissionView]] = {category: [] for category in CATEGORIES}
        with Session(self._engine) as session:
            for row in session.exec(query):
                category = row.category if row.category in shown else OTHER_CATEGORY
                if len(shown[category]) < per_category:
                    shown[category].append(_view(row))
        return {category: views for category, views in shown.items() if views}

    def all_with_history(self) -> list[tuple[SubmissionView, list[ReviewView]]]:
        """Every submission with its audit trail, oldest first (for the export)."""
        return all_with_history(self._engine)


def all_with_history(engine: Engine) -> list[tuple[SubmissionView, list[ReviewView]]]:
    """Every submission with its audit trail, oldest first (needs no fetcher: for the CLI)."""
    with Session(engine) as session:
        rows = session.exec(select(Submission).order_by(col(Submission.id))).all()
        reviews = session.exec(select(SubmissionReview).order_by(col(SubmissionReview.id)))
        trail: dict[int, list[ReviewView]] = {}
        for r in reviews:
            trail.setdefault(r.submission_id, []).append(
                ReviewView(Status(r.decision), r.reason, r.reviewer_id, r.decided_at)
            )
    return [(_view(row), trail.get(row.id or 0, [])) for row in rows]


def _by_canonical(session: Session, canonical: str) -> Submission | None:
    return session.exec(select(Submission).where(Submission.canonical_url == canonical)).first()


def _view(row: Submission) -> SubmissionView:
    assert row.id is not None
    return SubmissionView(
        id=row.id,
        platform=row.platform,
        canonical_url=row.canonical_url,
        submitted_url=row.submitted_url,
        title=row.title,
        author=row.author,
        category=row.category,
        creator_id=row.creator_id,
        creator_name=row.creator_name,
        has_hashtag=row.has_hashtag,
        status=Status(row.status),
        submitted_at=row.submitted_at,
        resolved=row.resolved,
        page_read=row.page_read,
        reviewed_at=row.reviewed_at,
        reviewed_by=row.reviewed_by,
        review_reason=row.review_reason,
        channel=Channel(row.channel),
        contact=row.contact,
    )
