"""`kepubot run` with one hand-written part swapped for the ordinary one, for bench/load.py's
`--against variant:NAME` (a measurement, never a deployment):

* `no-group-commit`: every write in its own transaction (the group commit with batches of 1).

    .venv/bin/python bench/variants.py NAME run
"""

from __future__ import annotations

import functools
import sys


def main() -> None:
    name, *argv = sys.argv[1:]
    import bot.app

    if name == "no-group-commit":
        bot.app.GroupCommit = functools.partial(bot.app.GroupCommit, max_batch=1)  # type: ignore[misc]
    else:
        raise SystemExit(f"unknown variant {name!r}")
    from bot.cli import main as cli

    sys.argv = ["kepubot", *argv]
    cli()


if __name__ == "__main__":
    main()
