"""The compiled checker: which modules ``tools/compile_checker.py`` compiles, and the check
that what is compiled was compiled from the sources beside it.

The checker's hot path (splitting, the one-pass scan, stance and the label shapes) is plain,
fully typed Python. mypyc can compile those modules to C extensions in place, which reviews
about 40% faster with the same results (README, Performance). Python imports an extension
module in preference to the ``.py`` beside it, so an extension built from older sources
would silently run old rules: ``check_compiled`` refuses that at import, before any of the
package's modules is loaded. Nothing is compiled unless someone runs the tool; this module
is never compiled itself, so the check always runs as Python.
"""

from __future__ import annotations

import hashlib
import json
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

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


class StaleCompiledCheckerError(ImportError):
    """Compiled checker modules sit beside sources they were not compiled from."""


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


def check_compiled(directory: Path = PACKAGE_DIRECTORY) -> None:
    """Raise ``StaleCompiledCheckerError`` when extensions in ``directory`` were built from
    other sources than those beside them; nothing to check when none are there."""
    if not extension_files(directory):
        return
    stamp_path = directory / STAMP_NAME
    recorded: dict[str, str] = {}
    if stamp_path.exists():
        recorded = json.loads(stamp_path.read_text(encoding="utf-8"))
    current = source_digests(directory)
    changed = sorted(name for name in COMPILED_MODULES if recorded.get(name) != current[name])
    if changed:
        raise StaleCompiledCheckerError(
            f"The compiled checker in {directory} was built from other sources than "
            f"{', '.join(f'{name}.py' for name in changed)}. Rebuild it with "
            "`python tools/compile_checker.py`, or remove it with "
            "`python tools/compile_checker.py --clean`."
        )


def is_compiled() -> bool:
    """Whether this process runs the compiled checker (for the benchmark's report)."""
    from bot.review import text

    return not (text.__file__ or "").endswith(".py")
