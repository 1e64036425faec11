"""Everything below the screen: feeds, parsing, storage, search. Never imports Textual or Rich."""

import logging
import sys

# store/ logs; only the command line decides whether and where that shows (tui.cli). Without
# a handler of its own, Python's last resort would print every warning to stderr, uncleaned
# and beside the command's own line for it (a failed feed told twice).
logging.getLogger("store").addHandler(logging.NullHandler())

# httpx's own command-line tool (httpx._main) imports rich, click and pygments as
# soon as httpx is imported. store/ must not load rich, and `aanews fetch` from
# cron should not pay ~0.3 s for a CLI it never runs: httpx then skips it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
