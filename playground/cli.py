"""``python -m bot playground [--port N] [--data DIR] [--speed S]``.

Prints the page's address and one line saying how to stop; SIGINT and SIGTERM stop the
bot (SIGTERM, it shuts down gracefully), the page's server and the stand-in, in that order.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from playground.controls import SPEEDS
from playground.core import DEFAULT_MINUTE_SECONDS, Playground


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot playground",
        description="Try Bar Raiser without Discord: the real bot in a local page on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="the page's port (0: any free one)")
    parser.add_argument("--data", type=Path, default=None,
                        help="folder for the bot's database and logs (default: a temporary one)")
    parser.add_argument("--speed", type=float, default=DEFAULT_MINUTE_SECONDS, choices=SPEEDS,
                        help="seconds per mock-interview minute (default %(default)g)")
    return parser


async def serve(data_dir: Path, port: int, minute_seconds: float, temporary: bool = False) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with Playground.running(data_dir, port, minute_seconds) as playground:
        kept = "a temporary folder, deleted on exit" if temporary else str(data_dir)
        print(f"Bar Raiser playground: {playground.url}  (bot database in {kept})", flush=True)
        print("Press Ctrl-C to stop the playground and the bot.", flush=True)
        await stop.wait()
    print("Playground stopped.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.data is not None:
            args.data.mkdir(parents=True, exist_ok=True)
            asyncio.run(serve(args.data.resolve(), args.port, args.speed))
        else:
            with tempfile.TemporaryDirectory(prefix="bar-raiser-playground-") as folder:
                asyncio.run(serve(Path(folder), args.port, args.speed, temporary=True))
    except OSError as error:
        print(f"error: cannot start the playground: {error}", file=sys.stderr)
        return 2
    return 0
