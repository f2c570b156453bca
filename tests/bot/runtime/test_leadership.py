"""Leadership: the lease holder runs the dispatcher; losing the lease stops it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import OperationalError

from bot.runtime.leadership import Leadership


class FakeLease:
    duration = timedelta(seconds=20)

    def __init__(self) -> None:
        self.answers: list[bool | Exception] = []

    def hold(self) -> bool:
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


async def test_lead_follow_and_a_lost_database_stops_the_sending() -> None:
    lease = FakeLease()
    events: list[str] = []

    async def follow() -> None:
        events.append("stop")

    leadership = Leadership(lease, on_lead=lambda: events.append("start"), on_follow=follow)  # type: ignore[arg-type]
    assert leadership.renew_every == 5.0
    lease.answers = [False, True, True, OperationalError("SELECT", {}, Exception("away")), True]
    assert not await leadership.tick()  # another process holds it
    assert await leadership.tick() and leadership.leading
    assert await leadership.tick()  # renewed: nothing restarts
    assert not await leadership.tick()  # the database is away: stop sending, keep running
    assert not leadership.leading
    assert await leadership.tick()  # back: lead again
    assert events == ["start", "stop", "start"]
    await leadership.stop()
    assert events[-1] == "stop"
