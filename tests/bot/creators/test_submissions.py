"""The submission service: hand in, resolve, de-duplicate, review with a trail, show, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.clock import Clock
from bot.creators.export import FIELDS, export_rows, write_csv, write_xlsx
from bot.creators.links import LinkRules, Refusal
from bot.creators.submissions import (
    Outcome,
    Status,
    SubmissionNotFound,
    SubmissionService,
    campaign_hashtag,
)
from bot.store.models import Submission, SubmissionReview
from tests.conftest import NOW, TZ
from tests.helpers.pages import LocalPages, OfflineFetcher, video_page

CREATOR, OTHER, ORGANIZER = 42, 43, 7
DOUYIN = "http://www.douyin.com/video/7412345678901234567"
SHARE_TEXT = "7.94 复制打开抖音，看看【科普小课堂的作品】 http://v.douyin.com/iRNBho6/ z@G.vs"


@pytest.fixture
def pages() -> Iterator[LocalPages]:
    with LocalPages() as server:
        server.add(
            DOUYIN,
            body=video_page(
                "冬季流感怎么防 - 抖音", author="重庆科协", description="#千万IP创科普#"
            ),
        )
        server.redirect(
            "http://v.douyin.com/iRNBho6/",
            "http://www.iesdouyin.com/share/video/7412345678901234567/?region=CN",
        )
        server.add(
            "http://www.iesdouyin.com/share/video/7412345678901234567/?region=CN",
            body=video_page("冬季流感怎么防 - 抖音"),
        )
        yield server


@pytest.fixture
def service(engine: Engine, clock: Clock, pages: LocalPages) -> SubmissionService:
    rules = LinkRules()
    return SubmissionService(engine, clock, rules, pages.fetcher(rules), campaign_hashtag(engine))


def _rows(engine: Engine) -> list[Submission]:
    with Session(engine) as session:
        return list(session.exec(select(Submission)))


def test_the_hashtag_comes_from_the_content_store(engine: Engine) -> None:
    assert campaign_hashtag(engine) == "#千万IP创科普#"


def test_a_long_link_is_stored_with_its_page_metadata(
    service: SubmissionService, engine: Engine
) -> None:
    [result] = service.submit(f"{DOUYIN}?utm_source=x", CREATOR, "42:1")
    assert result.outcome == Outcome.ACCEPTED and result.fetched
    view = result.submission
    assert view is not None
    assert view.canonical_url == "https://www.douyin.com/video/7412345678901234567"
    assert (view.title, view.author, view.has_hashtag) == ("冬季流感怎么防", "重庆科协", True)
    assert view.status == Status.PENDING and view.submitted_at == NOW
    [row] = _rows(engine)
    assert row.platform == "抖音" and row.source_message == "42:1"


def test_a_short_link_and_the_long_link_are_one_submission(
    service: SubmissionService, engine: Engine
) -> None:
    [first] = service.submit(SHARE_TEXT, CREATOR, "42:1")
    assert first.outcome == Outcome.ACCEPTED
    assert first.submission is not None and first.submission.resolved
    assert first.submission.canonical_url == "https://www.douyin.com/video/7412345678901234567"
    assert first.submission.submitted_url == "http://v.douyin.com/iRNBho6/"
    [again] = service.submit(DOUYIN, CREATOR, "42:2")
    assert again.outcome == Outcome.DUPLICATE and again.own
    [other] = service.submit(DOUYIN + "/", OTHER, "43:1")
    assert other.outcome == Outcome.DUPLICATE and not other.own
    assert len(_rows(engine)) == 1


def test_the_same_message_twice_is_one_row(service: SubmissionService, engine: Engine) -> None:
    service.submit(SHARE_TEXT, CREATOR, "42:1")
    [replay] = service.submit(SHARE_TEXT, CREATOR, "42:1")
    assert replay.outcome == Outcome.REPEATED
    assert len(_rows(engine)) == 1


def test_several_links_are_several_submissions(service: SubmissionService) -> None:
    text = f"两个视频：{DOUYIN} 和 https://www.bilibili.com/video/BV1xx411c7mD ，还有 ftp://x/y"
    results = service.submit(text, CREATOR, "42:1")
    assert [r.outcome for r in results] == [Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.REFUSED]
    assert results[2].refusal == Refusal.SCHEME


def test_a_failed_fetch_leaves_a_valid_submission(engine: Engine, clock: Clock) -> None:
    offline = SubmissionService(engine, clock, LinkRules(), OfflineFetcher())
    [long] = offline.submit(DOUYIN, CREATOR, "42:1")
    [short] = offline.submit("https://b23.tv/Ab3dEfG", CREATOR, "42:2")
    assert long.outcome == short.outcome == Outcome.ACCEPTED
    assert long.submission is not None and long.submission.title is None
    assert short.submission is not None and not short.submission.resolved
    assert short.submission.canonical_url == "https://b23.tv/Ab3dEfG"


def test_a_short_link_to_an_unsafe_place_is_refused(
    service: SubmissionService, pages: LocalPages, engine: Engine
) -> None:
    pages.redirect("http://b23.tv/Ab3dEfG", "http://169.254.169.254/latest/meta-data/")
    pages.redirect("http://b23.tv/Xy9zAbC", "http://www.bilibili.com/")
    [unsafe] = service.submit("http://b23.tv/Ab3dEfG", CREATOR, "42:1")
    [not_video] = service.submit("http://b23.tv/Xy9zAbC", CREATOR, "42:2")
    assert unsafe.refusal == Refusal.UNSAFE_REDIRECT
    assert not_video.refusal == Refusal.NOT_A_VIDEO
    assert _rows(engine) == []


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("你好", Refusal.NOT_A_LINK),
        ("https://www.douyin.com/video/1 " + "字" * 5000, Refusal.TOO_LONG),
        (" ".join(f"https://b23.tv/a{n}" for n in range(11)), Refusal.TOO_MANY),
        ("javascript:alert(1)", Refusal.SCHEME),
        ("file:///etc/passwd", Refusal.SCHEME),
        ("https://douyin.com@127.0.0.1/", Refusal.USERINFO),
    ],
)
def test_bad_input_stores_nothing(
    service: SubmissionService, engine: Engine, text: str, refusal: Refusal
) -> None:
    [result] = service.submit(text, CREATOR, "42:1")
    assert (result.outcome, result.refusal) == (Outcome.REFUSED, refusal)
    assert _rows(engine) == []


def test_the_guided_flow_fills_in_and_cancel_withdraws(
    service: SubmissionService, engine: Engine
) -> None:
    [result] = service.submit(DOUYIN, CREATOR, "42:1")
    assert result.submission is not None
    sid = result.submission.id
    service.set_title(sid, CREATOR, "  我的\n标题 ")
    service.set_category([sid], CREATOR, "健康")
    service.set_creator_name([sid], CREATOR, "重庆市科协")
    view = service.get(sid)
    assert view is not None
    assert (view.title, view.category, view.creator_name) == ("我的 标题", "健康", "重庆市科协")
    assert service.last_creator_name(CREATOR) == "重庆市科协"
    with pytest.raises(SubmissionNotFound):
        service.set_title(sid, OTHER, "not mine")
    with pytest.raises(ValueError):
        service.set_category([sid], CREATOR, "体育")
    assert service.withdraw([sid], OTHER) == 0
    assert service.withdraw([sid], CREATOR) == 1
    assert _rows(engine) == []


def test_decisions_keep_an_audit_trail_and_can_change(
    service: SubmissionService, engine: Engine, clock: Clock
) -> None:
    [result] = service.submit(DOUYIN, CREATOR, "42:1")
    assert result.submission is not None
    sid = result.submission.id
    assert service.pending_count() == 1 and service.next_pending() == result.submission
    assert service.next_pending(skip={sid}) is None
    approved = service.decide(sid, ORGANIZER, Status.APPROVED, "ignored for approvals")
    assert approved.changed and approved.previous == Status.PENDING
    assert approved.submission.review_reason is None
    assert not service.decide(sid, ORGANIZER, Status.APPROVED).changed  # a double press
    rejected = service.decide(sid, 8, Status.REJECTED, "与科普主题无关")
    assert rejected.changed and rejected.previous == Status.APPROVED
    assert rejected.submission.reviewed_by == 8
    trail = service.history(sid)
    assert [(r.decision, r.reason, r.reviewer_id) for r in trail] == [
        (Status.APPROVED, None, ORGANIZER),
        (Status.REJECTED, "与科普主题无关", 8),
    ]
    assert service.withdraw([sid], CREATOR) == 0  # decided: the creator cannot erase it
    with pytest.raises(SubmissionNotFound):
        service.decide(9999, ORGANIZER, Status.APPROVED)
    with pytest.raises(ValueError):
        service.decide(sid, ORGANIZER, Status.PENDING)
    with Session(engine) as session:
        assert len(session.exec(select(SubmissionReview)).all()) == 2


def test_mine_lists_newest_first(service: SubmissionService) -> None:
    service.submit(DOUYIN, CREATOR, "42:1")
    service.submit("https://www.bilibili.com/video/BV1xx411c7mD", CREATOR, "42:2")
    service.submit("https://www.zhihu.com/zvideo/1412345678901234567", OTHER, "43:1")
    assert [v.platform for v in service.mine(CREATOR)] == ["bilibili", "抖音"]
    assert service.mine(99) == []


def test_the_showcase_groups_approved_videos_by_category(engine: Engine, clock: Clock) -> None:
    moments = iter(NOW + timedelta(minutes=n) for n in range(100))
    service = SubmissionService(engine, lambda: next(moments), LinkRules(), OfflineFetcher())
    ids = []
    for n in range(8):
        [result] = service.submit(
            f"https://www.bilibili.com/video/BV1xx411c7m{n}", CREATOR, f"s{n}"
        )
        assert result.submission is not None
        ids.append(result.submission.id)
    for sid in ids[:6]:
        service.set_category([sid], CREATOR, "航天" if sid % 2 else "健康")
        service.decide(sid, ORGANIZER, Status.APPROVED)
    service.decide(ids[6], ORGANIZER, Status.APPROVED)  # no category: shown as 其他
    service.decide(ids[7], ORGANIZER, Status.REJECTED, "重复提交")
    shown = service.showcase(per_category=2)
    assert list(shown) == ["健康", "航天", "其他"]
    assert all(len(views) <= 2 for views in shown.values())
    newest_health = [v.id for v in shown["健康"]]
    assert newest_health == sorted(newest_health, reverse=True)
    assert ids[7] not in {v.id for views in shown.values() for v in views}


def test_export_writes_every_submission_with_its_trail(
    service: SubmissionService, tmp_path: Path
) -> None:
    [result] = service.submit(DOUYIN, CREATOR, "42:1")
    assert result.submission is not None
    sid = result.submission.id
    service.set_creator_name([sid], CREATOR, '=HYPERLINK("http://evil")')
    service.decide(sid, ORGANIZER, Status.REJECTED, "重复提交")
    service.decide(sid, ORGANIZER, Status.APPROVED)
    service.submit("https://www.bilibili.com/video/BV1xx411c7mD", OTHER, "43:1")
    rows = export_rows(service.all_with_history(), TZ)

    stream = io.StringIO()
    write_csv(rows, stream)
    records = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert list(records[0]) == list(FIELDS)
    first, second = records
    assert first["status"] == "approved" and first["review_count"] == "2"
    assert first["submitted_at"] == "2024-09-10 10:00:00"
    assert "rejected by 7 (重复提交)" in first["review_history"]
    assert first["creator_name"].startswith("'=")  # never a formula in a spreadsheet
    assert second["status"] == "pending" and second["reviewed_by"] == ""

    path = tmp_path / "submissions.xlsx"
    write_xlsx(rows, path)
    sheet = load_workbook(path).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == FIELDS
    assert values[1][FIELDS.index("canonical_url")] == result.submission.canonical_url
    assert sheet.cell(2, FIELDS.index("creator_name") + 1).data_type == "s"
