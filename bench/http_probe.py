"""Memory probe of the webhook server: parallel huge posts without the secret.

    .venv/bin/python bench/http_probe.py [--posts 4] [--megabytes 95]

Serves the webhook's tornado app in a process of its own on 127.0.0.1, as `serve_webhook`
does (same handler, same server options), posts `--posts` bodies of `--megabytes` MB at
once without the secret header, and prints the server's resident memory before and after
and what each post got. Target: flat (the secret is checked before the body is read, and a
body over 1 MB is never buffered). Before the limits, 4 x 95 MB took the process from 191 to
853 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = """
import asyncio, sys
from tornado.httpserver import HTTPServer
from bot.telegram.webhook import Health, make_web_app
try:
    from bot.runtime.http_limits import tornado_server_options
    options = tornado_server_options()
except ImportError:  # a version without the limits: tornado's defaults
    options = {}
async def main():
    app = make_web_app(None, path="/hook", secret="probe-secret", probe=lambda: Health(True))
    server = HTTPServer(app, xheaders=True, **options)
    server.listen(int(sys.argv[1]), address="127.0.0.1")
    print("ready", flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """The process's resident memory now (VmRSS) or at its peak so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def post(port: int, size: int) -> str:
    """Post `size` bytes, writing the body while reading the answer; the status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n".encode())
    chunk = b"x" * (1024 * 1024)

    async def send_body() -> None:
        try:
            for _ in range(size // len(chunk)):
                writer.write(chunk)
                await writer.drain()
        except OSError:
            pass

    sending = asyncio.create_task(send_body())
    try:
        line = await asyncio.wait_for(reader.readline(), timeout=120)
        await sending  # an old server answers only once it has the whole body
    except (TimeoutError, OSError):
        line = b""
    finally:
        sending.cancel()
        writer.close()
    return line.decode().strip() or "(connection closed)"


async def probe(port: int, pid: int, posts: int, megabytes: int) -> None:
    before = rss_mb(pid)
    peak_before = rss_mb(pid, "VmHWM")
    started = time.monotonic()
    statuses = await asyncio.gather(*(post(port, megabytes * 1024 * 1024) for _ in range(posts)))
    elapsed = time.monotonic() - started
    after, peak = rss_mb(pid), rss_mb(pid, "VmHWM")
    print(f"{posts} parallel {megabytes} MB posts without the secret: {statuses}")
    print(
        f"server RSS {before:.0f} MB before, {after:.0f} MB after, peak {peak:.0f} MB "
        f"(peak before {peak_before:.0f} MB; {elapsed:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=4)
    parser.add_argument("--megabytes", type=int, default=95)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.helpers.ports import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        asyncio.run(probe(port, server.pid, args.posts, args.megabytes))
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
