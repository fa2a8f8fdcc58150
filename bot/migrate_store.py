"""``python -m bot migrate-store --to postgresql+asyncpg://…``: the SQLite file into PostgreSQL.

The bot must be stopped. The SQLite database at DATABASE_PATH is migrated to the
newest schema (as a start would), the target is migrated to the same revision and
must hold no data, every table is copied in foreign-key order in one transaction,
and the row counts are compared per table. Then set DATABASE_URL to the target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from bot.config import _database_url, _schema_name, load_settings

EXIT_OK, EXIT_PROBLEM, EXIT_CONFIG = 0, 1, 2


def register(sub: Any) -> None:
    parser = sub.add_parser("migrate-store", help="copy the SQLite database into an empty PostgreSQL "
                            "database (bot stopped)")
    parser.add_argument("--to", required=True, metavar="URL",
                        help="postgresql+asyncpg://user@host:5432/database")
    parser.add_argument("--schema", default=None, help="a schema in that database (default: public)")
    parser.set_defaults(func=cmd_migrate_store)


def cmd_migrate_store(args: argparse.Namespace) -> int:
    settings = load_settings(os.environ, env_file=Path(".env"), require_token=False)
    url = _database_url(args.to)
    schema = _schema_name(args.schema)
    if url is None:  # the parser requires --to; an empty one is refused here
        print("error: --to needs a postgresql+asyncpg:// URL", file=sys.stderr)
        return EXIT_CONFIG
    if not settings.database_path.is_file():
        print(f"error: there is no SQLite database at DATABASE_PATH {settings.database_path} to copy",
              file=sys.stderr)
        return EXIT_CONFIG
    return asyncio.run(migrate_store(settings.database_path, url, schema))


async def migrate_store(path: Path, url: str, schema: str | None) -> int:
    from storage.db import Database
    from storage.transfer import TargetNotEmptyError, copy_store

    source = await Database.open(path)
    try:
        await source.migrate()
        target = await Database.open(url, schema=schema)
        try:
            await target.migrate()
            try:
                copies = await copy_store(source, target)
            except TargetNotEmptyError as error:
                print(f"error: {error}", file=sys.stderr)
                return EXIT_CONFIG
        finally:
            await target.close()
    finally:
        await source.close()
    width = max((len(c.table) for c in copies), default=0)
    for copy in copies:
        mark = "ok" if copy.ok else "MISMATCH"
        print(f"{copy.table:<{width}}  {copy.source_rows:>8} → {copy.target_rows:>8}  {mark}")
    bad = [c.table for c in copies if not c.ok]
    if bad:
        print(f"error: row counts differ in {', '.join(bad)}", file=sys.stderr)
        return EXIT_PROBLEM
    total = sum(c.target_rows for c in copies)
    print(f"copied {total} rows in {len(copies)} tables from {path}; set DATABASE_URL to the target "
          "and start the bot")
    return EXIT_OK
