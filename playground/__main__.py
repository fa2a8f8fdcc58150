"""``python -m playground``: the same as ``python -m bot playground``."""

from playground.cli import main

raise SystemExit(main())
