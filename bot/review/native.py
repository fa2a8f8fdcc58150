"""The compiled checker: which modules ``tools/compile_checker.py`` compiles, and the check
that what is compiled was compiled from the sources beside it.

The checker's hot path (splitting, the one-pass scan, stance and the label shapes) is plain,
fully typed Python. mypyc can compile those modules to C extensions in place, which reviews
about 20% faster with the same results (README, Performance). Python imports an extension
module in preference to the ``.py`` beside it, so an extension built from older sources
would silently run old rules. ``use_sources_if_stale`` runs before any of the package's
modules is loaded: when the build is older than a source, every compiled module is imported
from its source instead, at plain speed, and a warning (and ``doctor``) says how to rebuild.
Nothing is compiled unless someone runs the tool; this module is never compiled itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import sys
from collections.abc import Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path
from types import ModuleType

PACKAGE_DIRECTORY = Path(__file__).resolve().parent
STAMP_NAME = "_native.stamp.json"
"""Written by the tool after a build: the digest of each compiled module's source."""
GROUP = "_native"
"""The name of the shared library mypyc puts the compiled modules' common code in."""

COMPILED_MODULES = (
    "alarms", "analysis", "antipatterns", "checklist", "coaching", "customer", "deferral",
    "document", "engine", "failures", "model", "number_words", "numbers", "ownership",
    "patterns", "people", "prefilter", "relevance", "rules", "scan", "stance", "subjects", "text",
)  # fmt: skip
"""Every module a review runs. Not compiled: ``lazy.py`` (its stand-in copies methods into its
``__dict__``), this module (it checks the others), and those around a review, not in it
(the command line, the evaluation report, the rate limit and the storage service)."""


STALE: tuple[str, ...] = ()
"""The compiled modules whose build is older than their source, set at import: while it is
not empty, the sources run instead of the build."""


def source_digests(directory: Path = PACKAGE_DIRECTORY) -> dict[str, str]:
    """The SHA-256 of each compiled module's source, as the stamp records them."""
    return {name: hashlib.sha256((directory / f"{name}.py").read_bytes()).hexdigest()
            for name in COMPILED_MODULES}


def extension_files(directory: Path = PACKAGE_DIRECTORY) -> list[Path]:
    """The compiled modules (and their shared library) present in ``directory``."""
    stems = {*COMPILED_MODULES, f"{GROUP}__mypyc"}
    return sorted(path for suffix in EXTENSION_SUFFIXES for path in directory.glob(f"*{suffix}")
                  if path.name[: -len(suffix)] in stems)


def write_stamp(directory: Path = PACKAGE_DIRECTORY) -> None:
    """Record that the extensions in ``directory`` were built from its sources as they are."""
    stamp = json.dumps(source_digests(directory), indent=1, sort_keys=True)
    (directory / STAMP_NAME).write_text(stamp + "\n", encoding="utf-8")


def stale_modules(directory: Path = PACKAGE_DIRECTORY) -> list[str]:
    """The compiled modules in ``directory`` built from other sources than those beside them
    (all of them when the stamp is missing); none when nothing is compiled."""
    if not extension_files(directory):
        return []
    recorded: object = None
    with contextlib.suppress(OSError, ValueError):  # no stamp, or a damaged one: none vouches
        recorded = json.loads((directory / STAMP_NAME).read_text(encoding="utf-8"))
    vouched = recorded if isinstance(recorded, dict) else {}
    current = source_digests(directory)
    return sorted(name for name in COMPILED_MODULES if vouched.get(name) != current[name])


class _SourcesFirst:
    """Finds the compiled modules' sources ahead of their extensions (on ``sys.meta_path``)."""

    def __init__(self, package: str, directory: Path) -> None:
        self.prefix, self.directory = f"{package}.", directory

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        name = fullname.removeprefix(self.prefix)
        if fullname == name or name not in COMPILED_MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, self.directory / f"{name}.py")


def stale_advice(stale: Sequence[str]) -> str:
    """What to do about a build older than ``stale``'s sources, for the log and ``doctor``."""
    names = ", ".join(f"{name}.py" for name in stale)
    return (f"the compiled checker was built from other sources than {names}, so the sources "
            "run instead, at plain speed: rebuild it with `python tools/compile_checker.py`, "
            "or remove it with `python tools/compile_checker.py --clean`")


def use_sources_if_stale(package: str, directory: Path = PACKAGE_DIRECTORY) -> None:
    """Before the package loads its modules: run the sources when the build is out of date."""
    global STALE
    STALE = tuple(stale_modules(directory))
    if STALE:
        sys.meta_path.insert(0, _SourcesFirst(package, directory))
        logging.getLogger(package).warning("%s", stale_advice(STALE))


def is_compiled() -> bool:
    """Whether this process runs the compiled checker (for ``doctor`` and the benchmark)."""
    from bot.review import text

    return not (text.__file__ or "").endswith(".py")
