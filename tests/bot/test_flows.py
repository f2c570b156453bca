"""Flows and button texts in the store: what one process writes, another reads."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.clock import fixed_clock
from bot.flows import ButtonTexts, Flow, Flows
from bot.store.group_commit import GroupCommit
from tests.conftest import NOW


@pytest.fixture
def writer(engine: Engine) -> Iterator[GroupCommit]:
    writer = GroupCommit(engine)
    yield writer
    writer.close()


def test_a_flow_written_by_one_process_goes_on_in_another(engine: Engine) -> None:
    here, there = Flows(engine, fixed_clock(NOW)), Flows(engine, fixed_clock(NOW))
    here.save(Flow(10, 20, "broadcast", 2, {"parts": [{"text": "开幕"}], "audience": "all"}))
    flow = there.get(10, 20, "broadcast")
    assert flow is not None and (flow.state, flow.draft["parts"]) == (2, [{"text": "开幕"}])
    flow.state, flow.draft["audience"] = 3, "creators"
    there.save(flow)
    assert here.active(10, 20)["broadcast"].draft["audience"] == "creators"
    assert here.get(10, 21, "broadcast") is None and here.get(11, 20, "broadcast") is None


def test_a_flow_ends_once_however_many_processes_end_it(engine: Engine) -> None:
    here, there = Flows(engine, fixed_clock(NOW)), Flows(engine, fixed_clock(NOW))
    here.save(Flow(10, 20, "broadcast", 4, {"key": "k1"}))
    ended = there.end(10, 20, "broadcast")
    assert ended is not None and ended.draft == {"key": "k1"}
    assert here.end(10, 20, "broadcast") is None
    assert here.active(10, 20) == {}


def test_an_untouched_flow_expires(engine: Engine) -> None:
    Flows(engine, fixed_clock(NOW), ttl=timedelta(hours=1)).save(Flow(10, 20, "submit", 1))
    later = Flows(engine, fixed_clock(NOW + timedelta(hours=1, seconds=1)))
    assert later.get(10, 20, "submit") is None
    assert later.end(10, 20, "submit") is None
    assert Flows(engine, fixed_clock(NOW)).get(10, 20, "submit") is None  # purged


def test_a_button_text_resolves_on_another_process(engine: Engine, writer: GroupCommit) -> None:
    text = "科普日的主场活动在哪里举办，几点开始，需要提前预约吗？"
    key = ButtonTexts(engine, fixed_clock(NOW), writer).key_for(text)
    writer.flush()
    other = ButtonTexts(engine, fixed_clock(NOW), writer)
    assert other.cached(key) is None
    assert other.text_for(key) == text and other.cached(key) == text
    assert len(key) == 16 and other.text_for("0" * 16) is None


async def test_reads_of_many_updates_go_through_the_group_commit(
    engine: Engine, writer: GroupCommit
) -> None:
    flows = Flows(engine, fixed_clock(NOW), writer=writer)
    flows.save(Flow(10, 20, "broadcast", 2, {"audience": "all"}))
    flows.save(Flow(11, 21, "submit", 1))
    batches = writer.batches
    found, other, none = await asyncio.gather(
        flows.active_async(10, 20), flows.active_async(11, 21), flows.active_async(10, 21)
    )
    assert found["broadcast"].draft == {"audience": "all"} and list(other) == ["submit"]
    assert none == {}  # chat 10 and user 21 are both known, but not together
    assert writer.batches == batches + 1  # one batch for the three
