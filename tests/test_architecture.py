"""The layers of the house, checked from the imports of every module.

- `content/` (the content store and question answering) imports nothing of the bot.
- The services (`bot/` but for its Telegram transport and entry points) import no
  `telegram`, no handlers and no scheduler: every channel reaches them the same way.
- `bot/telegram/` (the transport) imports no handlers.
- A channel adapter (`handlers/<channel>/`) imports services, never another channel.
- No import cycles among the project's modules.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "content", "handlers", "scheduler")
ENTRY_POINTS = {"bot/app.py", "bot/cli.py", "bot/chat.py", "bot/public.py"}
"""The composition root and the entry points: they wire every layer together."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def _imports(path: Path) -> frozenset[str]:
    """Every module name `path` imports, anywhere in the file (lazy and type-only imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def _top(name: str) -> str:
    return name.split(".")[0]


def _in(path: Path, *prefixes: str) -> bool:
    return any(_rel(path).startswith(prefix) for prefix in prefixes)


CONTENT = sorted(p for p in MODULES.values() if _in(p, "content/"))
SERVICES = sorted(
    p
    for p in MODULES.values()
    if _in(p, "bot/") and not _in(p, "bot/telegram/") and _rel(p) not in ENTRY_POINTS
)
TRANSPORT = sorted(p for p in MODULES.values() if _in(p, "bot/telegram/"))
ADAPTERS = sorted(
    p for p in MODULES.values() if _in(p, "handlers/") and p.parent.name != "handlers"
)


def test_the_layers_are_found() -> None:
    assert {"content/answers.py", "content/importer.py"} <= {_rel(p) for p in CONTENT}
    assert {"bot/services.py", "bot/creators/submissions.py", "bot/outreach/outbox.py"} <= {
        _rel(p) for p in SERVICES
    }
    assert {"bot/telegram/webhook.py"} <= {_rel(p) for p in TRANSPORT}
    assert {"handlers/telegram/ask.py"} <= {_rel(p) for p in ADAPTERS}


@pytest.mark.parametrize("path", CONTENT, ids=_rel)
def test_content_imports_nothing_of_the_bot(path: Path) -> None:
    outside = {
        m for m in _imports(path) if _top(m) in {"bot", "handlers", "scheduler", "telegram"}
    }
    assert not outside, f"{_rel(path)} imports {sorted(outside)}"


@pytest.mark.parametrize("path", SERVICES, ids=_rel)
def test_services_import_no_channel(path: Path) -> None:
    channel = {m for m in _imports(path) if _top(m) in {"telegram", "handlers", "scheduler"}}
    channel |= {m for m in _imports(path) if m.startswith("bot.telegram")}
    assert not channel, f"{_rel(path)} imports {sorted(channel)}"


@pytest.mark.parametrize("path", TRANSPORT, ids=_rel)
def test_transport_imports_no_handlers(path: Path) -> None:
    handlers = {m for m in _imports(path) if _top(m) == "handlers"}
    assert not handlers, f"{_rel(path)} imports {sorted(handlers)}"


@pytest.mark.parametrize("path", ADAPTERS, ids=_rel)
def test_a_channel_never_imports_another(path: Path) -> None:
    channel = path.relative_to(ROOT / "handlers").parts[0]
    others = {
        m for m in _imports(path) if _top(m) == "handlers" and m.split(".")[1:2] != [channel]
    }
    assert not others, f"{_rel(path)} imports {sorted(others)}"


def _resolve(name: str) -> str | None:
    """The project module `name` refers to (a name imported from a module is that module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {_resolve(name) for name in _imports(path)}
        graph[module] = {t for t in targets if t and t != module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert _cycles(_import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
