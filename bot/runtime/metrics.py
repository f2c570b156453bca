"""Prometheus metrics (prometheus-client), served on their own port when KEPUBOT_METRICS_PORT
is set.

What happens in this process is counted as it happens (updates, answer latency, messages the
outbox sent, 429s); what the shared store holds (unanswered questions, submissions, the
outbox's depth) is read from the database at each scrape, so every process reports the same
figures for it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, Histogram, make_wsgi_app
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from bot.runtime import http_limits
from bot.store.models import OutboxMessage, Submission
from content.answers import Answer
from content.models import UnansweredQuestion

log = logging.getLogger(__name__)

CONNECTION_SECONDS = 30.0
"""The longest a connection to the metrics server may stay open."""
ANSWER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """This process's instruments, in a registry of their own (one per application)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "kepubot_updates",
            "Updates taken in, by kind (message, command, callback_query, ...)",
            ["kind"],
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "kepubot_answer_seconds",
            "Time to answer one question (understanding, composing, recording)",
            buckets=ANSWER_BUCKETS,
            registry=self.registry,
        )
        self.questions = Counter(
            "kepubot_questions",
            "Questions answered by this process, by whether the store had an answer",
            ["answered"],
            registry=self.registry,
        )
        self.reply_429 = Counter(
            "kepubot_telegram_reply_429",
            "429 Too Many Requests answers to the bot's direct replies",
            registry=self.registry,
        )
        self._server: Any = None

    def observe_answer(self, answer: Answer, seconds: float) -> None:
        self.answer_seconds.observe(seconds)
        self.questions.labels(answered=str(answer.answered).lower()).inc()

    def watch(
        self,
        engine: Engine,
        sending: Callable[[], tuple[int, int]],
        *,
        leading: Callable[[], bool] = lambda: False,
    ) -> None:
        """Also report the store's figures, the outbox's counters `sending()` returns
        (messages sent, 429s received) and whether this process leads (`leading()`)."""
        self.registry.register(_StoreCollector(engine, sending, leading))

    def serve(self, port: int, address: str = "127.0.0.1") -> None:
        """Serve /metrics on `port` from a daemon thread (with the limits of
        `bot.runtime.http_limits`: a connection that dawdles is closed)."""
        server_class = _Server6 if ":" in address else _Server
        self._server = make_server(
            address, port, make_wsgi_app(self.registry), server_class, handler_class=_TimedHandler
        )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        log.info("metrics on http://%s:%s/metrics", address, port)

    def stop(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            threading.Thread(target=server.shutdown, daemon=True).start()
            server.server_close()


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out or went away: no traceback on standard error."""
        log.debug("metrics: connection from %s ended early", client_address, exc_info=True)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _TimedHandler(WSGIRequestHandler):
    """prometheus-client's server, with a deadline: each read waits `HEADER_SECONDS` at most
    and a whole connection lasts `CONNECTION_SECONDS` at most; nothing is logged."""

    timeout = http_limits.HEADER_SECONDS

    def setup(self) -> None:
        super().setup()
        self._deadline = threading.Timer(CONNECTION_SECONDS, self._cut)
        self._deadline.daemon = True
        self._deadline.start()

    def finish(self) -> None:
        self._deadline.cancel()
        super().finish()

    def _cut(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged."""


class _StoreCollector(Collector):
    """Figures read at scrape time: from the database, and the dispatcher's counters."""

    def __init__(
        self,
        engine: Engine,
        sending: Callable[[], tuple[int, int]],
        leading: Callable[[], bool],
    ) -> None:
        self._engine = engine
        self._sending = sending
        self._leading = leading

    def collect(self) -> Iterator[Any]:
        yield GaugeMetricFamily(
            "kepubot_scheduler_leader",
            "1 while this process holds the lease (runs the dispatcher and scheduled jobs)",
            value=int(self._leading()),
        )
        sent, floods = self._sending()
        yield CounterMetricFamily(
            "kepubot_outbox_sent", "Outbox messages this process delivered", value=sent
        )
        yield CounterMetricFamily(
            "kepubot_telegram_429",
            "429 Too Many Requests answers this process received while sending",
            value=floods,
        )
        started = time.perf_counter()
        try:
            figures = _store_figures(self._engine)
        except Exception:
            log.warning("metrics: could not read the store", exc_info=True)
            return
        unanswered, submissions, outbox = figures
        yield GaugeMetricFamily(
            "kepubot_unanswered_questions",
            "Questions the store could not answer, as recorded",
            value=unanswered,
        )
        by_status = GaugeMetricFamily(
            "kepubot_submissions", "Video submissions by review status", labels=["status"]
        )
        for status, count in sorted(submissions.items()):
            by_status.add_metric([status], count)
        yield by_status
        depth = GaugeMetricFamily(
            "kepubot_outbox_depth", "Outbox messages not yet settled", labels=["status"]
        )
        for status in ("pending", "sending"):
            depth.add_metric([status], outbox.get(status, 0))
        yield depth
        yield GaugeMetricFamily(
            "kepubot_metrics_store_read_seconds",
            "Time reading the store's figures for this scrape",
            value=time.perf_counter() - started,
        )


def _store_figures(engine: Engine) -> tuple[int, dict[str, int], dict[str, int]]:
    with Session(engine) as session:
        unanswered = session.exec(select(func.count()).select_from(UnansweredQuestion)).one()
        submissions = dict(
            session.exec(select(Submission.status, func.count()).group_by(Submission.status)).all()
        )
        outbox = dict(
            session.exec(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.status.in_(("pending", "sending")))  # type: ignore[attr-defined]
                .group_by(OutboxMessage.status)
            ).all()
        )
    return int(unanswered), submissions, outbox


def update_kind(update: Any) -> str:
    """A short name for what an update carries (a command is a message starting with /)."""
    message = getattr(update, "message", None)
    if message is not None:
        text = getattr(message, "text", None) or ""
        if text.startswith("/"):
            return "command"
        if getattr(message, "document", None) is not None:
            return "document"
        return "message"
    for kind in ("callback_query", "edited_message", "my_chat_member", "channel_post"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"
