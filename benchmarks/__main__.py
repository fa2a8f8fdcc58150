"""``python -m benchmarks``: the same run as ``python -m bot bench``."""

import sys

from benchmarks import main

sys.exit(main())
