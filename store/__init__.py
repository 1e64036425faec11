"""Everything below the screen: feeds, parsing, storage, search. Never imports Textual or Rich."""

import sys

# httpx's own command-line tool (httpx._main) imports rich, click and pygments as
# soon as httpx is imported. store/ must not load rich, and `aanews fetch` from
# cron should not pay ~0.3 s for a CLI it never runs: httpx then skips it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
