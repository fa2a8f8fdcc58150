"""The layer rules of the runtime, checked from the source with ``ast`` (no import, no dependency).

``tests/test_structure.py`` runs ``violations(ROOT)`` against the real tree and, on small
synthetic trees, proves each rule fails when broken. The rules (docs/ARCHITECTURE.md):

1. ``services``: no module in ``bot/`` imports ``discord``, except the Discord adapters
   listed in ``DISCORD_ADAPTERS`` (each with its reason).
2. ``cogs``: no module in ``cogs/`` imports ``storage``: cogs call services.
3. ``storage``: ``storage/`` imports from ``bot`` only a feature's dataclasses
   (``bot.<feature>.model``, ``models``, ``model_*``) and the leaf modules in
   ``STORAGE_MAY_IMPORT``: never a service; and the ``__init__.py`` of a feature whose
   model it imports imports nothing of the runtime (it runs first).
4. ``runtime``: ``bot``, ``cogs`` and ``storage`` import no tests, benchmarks, stand-in or
   playground (``bot/cli.py`` may, inside a function: ``python -m bot bench`` when asked).
5. ``sql``: no module in ``cogs/`` runs SQL itself (``.execute``, ``.fetchone``, ``.fetchall``,
   ``.executemany``, ``.transaction`` on anything, e.g. ``bot.database``).
6. ``cycles``: no import cycle among runtime modules. Imports under ``if TYPE_CHECKING:``
   are not edges (they never run); imports inside functions are (they run, later).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

RUNTIME_PACKAGES = ("bot", "cogs", "storage")
NOT_RUNTIME = ("tests", "benchmarks", "standin", "playground")

# Modules in bot/ that are the Discord side of the bot, not services. Keep this short:
# a new entry needs a reason a reviewer would accept.
DISCORD_ADAPTERS: dict[str, str] = {
    "bot.app": "the discord.py Bot subclass itself",
    "bot.tree": "the CommandTree: the one error boundary and input bound for interactions",
    "bot.cli": "`python -m bot run` starts discord.py and reports its login errors",
    "bot.discord_io": "the one place that turns RenderedMessage into discord.py calls",
    "bot.forms": "builds discord.ui.Modal forms and routes their submits",
    "bot.inputs": "reads option limits from discord.py's app_commands objects",
    "bot.outbox.sender": "the outbox's delivery: sends envelopes through discord.py",
    "bot.render": "uses discord.utils.escape_markdown, the escaping Discord's client undoes",
}
# Leaf modules of bot/ that storage may import besides the features' model modules.
STORAGE_MAY_IMPORT = frozenset({"bot.clock", "bot.errors"})
MODEL_MODULE = re.compile(r"^bot\.[a-z_]+\.(model|models|model_[a-z_]+)$")
LAZY_NON_RUNTIME_OK = frozenset({"bot.cli"})
DATABASE_METHODS = frozenset({"execute", "executemany", "fetchone", "fetchall", "transaction"})


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted
    target: str  # the module imported (resolved to a module of the tree when it is one)
    line: int
    top_level: bool  # at module level (not inside a function or class body)
    typing_only: bool  # under ``if TYPE_CHECKING:``


@dataclass(frozen=True)
class Violation:
    rule: str  # services | cogs | storage | runtime | cycles
    detail: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.detail}"


def module_files(root: Path, packages: tuple[str, ...] = RUNTIME_PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every .py file of ``packages`` under ``root``."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(body: list[ast.stmt], top: bool, typing: bool) -> Iterator[tuple[ast.stmt, bool, bool]]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, top, typing
        elif isinstance(node, ast.If):
            yield from _walk(node.body, top, typing or _is_type_checking(node.test))
            yield from _walk(node.orelse, top, typing)
        elif isinstance(node, ast.Try):
            for part in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _walk(part, top, typing)
        elif isinstance(node, ast.With | ast.AsyncWith | ast.For | ast.AsyncFor | ast.While):
            yield from _walk(node.body, top, typing)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield from _walk(node.body, False, typing)


def imports_of(name: str, path: Path, known: set[str]) -> list[Import]:
    """Every import in the file, targets resolved against the modules in ``known``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node, top, typing in _walk(tree.body, True, False):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from a import b`` imports the module a.b when there is one, else names of a.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        for target in dict.fromkeys(targets):
            found.append(Import(name, target, node.lineno, top, typing))
    return found


def _resolve(target: str, known: set[str]) -> str | None:
    """The deepest module of the tree that ``target`` names, or None outside the tree."""
    parts = target.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def import_graph(root: Path) -> tuple[dict[str, Path], list[Import]]:
    files = module_files(root)
    known = set(files)
    return files, [imp for name, path in files.items() for imp in imports_of(name, path, known)]


def _top(module: str) -> str:
    return module.split(".")[0]


def layer_violations(root: Path) -> list[Violation]:
    files, imports = import_graph(root)
    found = []
    runtime_imports_of: dict[str, list[Import]] = {}
    for imp in imports:
        if _top(imp.target) in RUNTIME_PACKAGES and not imp.typing_only:
            runtime_imports_of.setdefault(imp.source, []).append(imp)
    for imp in imports:
        where = f"{imp.source}:{imp.line} imports {imp.target}"
        package, target_top = _top(imp.source), _top(imp.target)
        if package == "bot" and target_top == "discord" and imp.source not in DISCORD_ADAPTERS:
            found.append(Violation("services", where))
        if package == "cogs" and target_top == "storage":
            found.append(Violation("cogs", where))
        if (package == "storage" and target_top == "bot" and imp.target != "bot"
                and not MODEL_MODULE.match(imp.target) and imp.target not in STORAGE_MAY_IMPORT):
            found.append(Violation("storage", where))
        if package == "storage" and MODEL_MODULE.match(imp.target):
            # Importing bot.<feature>.model runs bot/<feature>/__init__.py first: it must not
            # pull the feature's services (and so storage) in behind the model's back.
            feature = imp.target.rpartition(".")[0]
            found += [Violation("storage", f"{feature} (its __init__, run by {imp.source}:"
                                           f"{imp.line}) imports {init.target}")
                      for init in runtime_imports_of.get(feature, []) if feature in files]
        if target_top in NOT_RUNTIME and not (
                imp.source in LAZY_NON_RUNTIME_OK and not imp.top_level):
            found.append(Violation("runtime", where))
    return found


def sql_in_cogs(root: Path) -> list[Violation]:
    """Calls of the database's methods from a cog: SQL belongs in ``storage/``."""
    found = []
    for name, path in module_files(root, ("cogs",)).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in DATABASE_METHODS):
                found.append(Violation("sql", f"{name}:{node.lineno} calls .{node.func.attr}()"))
    return found


def import_cycles(root: Path) -> list[list[str]]:
    """Each strongly connected set of runtime modules that import each other (Tarjan)."""
    files, imports = import_graph(root)
    known = set(files)
    edges: dict[str, set[str]] = {name: set() for name in files}
    for imp in imports:
        target = _resolve(imp.target, known)
        if target is not None and target != imp.source and not imp.typing_only:
            edges[imp.source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(node: str) -> None:  # recursion depth is bounded by the module count
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(cycles)


def violations(root: Path) -> list[Violation]:
    """Every broken layer rule and every import cycle under ``root``."""
    cycles = [Violation("cycles", " ↔ ".join(component)) for component in import_cycles(root)]
    return layer_violations(root) + sql_in_cogs(root) + cycles
