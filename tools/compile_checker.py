"""Compile the answer checker's detection modules with mypyc, in place (README, Performance).

    pip install -e '.[compile]'             # mypy (which ships mypyc) and setuptools
    python tools/compile_checker.py         # about 25 s; needs a C compiler
    python tools/compile_checker.py --clean # back to plain Python

The modules listed in ``bot/review/native.py`` become C extensions beside their sources, and
Python imports those instead of the ``.py`` files. The results are the same (a test compiles a
copy and compares every labelled answer's evidence); reviews run about 20% faster. After a
source changes, the old build is never run: the checker imports its sources instead, and
warns, until it is rebuilt or cleaned (``bot/review/native.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import sys
import tempfile
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _native(root: Path) -> ModuleType:
    """``root``'s bot/review/native.py, loaded by its path: importing ``bot.review.native``
    would first run the package's ``__init__``, and with it the checker of this Python's own
    checkout (or whichever is installed) rather than ``root``'s."""
    spec = importlib.util.spec_from_file_location("_checker_native", root / "bot/review/native.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no bot/review/native.py under {root}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(root: Path) -> None:
    """Compile ``root``'s checker modules in place and stamp them with their sources' digests."""
    from setuptools import setup  # type: ignore[import-untyped,unused-ignore]

    package, native = root / "bot" / "review", _native(root)
    clean(root)
    sources = [f"bot/review/{name}.py" for name in native.COMPILED_MODULES]
    previous = Path.cwd()
    os.chdir(root)  # mypyc names each module by its path from here: bot.review.<name>
    try:
        with tempfile.TemporaryDirectory() as scratch, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # setuptools' notes on pyproject.toml, not ours
            extensions = _translated(sources, f"bot.review.{native.GROUP}", f"{scratch}/c")
            setup(name="bar-raiser-checker", ext_modules=extensions, script_args=[
                "--quiet", "build_ext", "--inplace", "--build-temp", f"{scratch}/temp",
                "--build-lib", f"{scratch}/lib"])
    finally:
        os.chdir(previous)
    native.write_stamp(package)
    print(f"compiled {len(native.extension_files(package)) - 1} checker modules in {package}")


def _translated(sources: list[str], group: str, target: str) -> list[Any]:
    """mypyc's C extensions for ``sources``. Its notes ("treating generator comprehension
    as list") are shown only when it fails: they are about speed, not about results."""
    from mypyc.build import mypycify

    notes = io.StringIO()
    try:
        with contextlib.redirect_stdout(notes):
            return mypycify(sources, group_name=group, target_dir=target, opt_level="3")
    except BaseException:
        print(notes.getvalue(), file=sys.stderr)
        raise


def clean(root: Path) -> None:
    """Remove the compiled modules and their stamp: the checker runs as plain Python again."""
    package, native = root / "bot" / "review", _native(root)
    for path in [*native.extension_files(package), package / native.STAMP_NAME]:
        path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout to compile (default: this one)")
    args = parser.parse_args(argv)
    if args.clean:
        clean(args.root)
        print("removed the compiled checker: it runs as plain Python")
    else:
        build(args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
