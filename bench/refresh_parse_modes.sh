#!/usr/bin/env bash
# Where should `aanews fetch` parse feeds: inline on the event loop, in one thread,
# or in a process pool? Times a cold refresh (every feed new) of generated AA-like
# feeds served on 127.0.0.1, for each mode, interleaved so machine noise hits all alike.
#
# usage: bench/refresh_parse_modes.sh [FEEDS] [ITEMS] [REPEATS]   (from the checkout)
# prints: mode rep wall_s user_s sys_s maxrss_kb
set -euo pipefail
FEEDS=${1:-200}; ITEMS=${2:-100}; REPEATS=${3:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$HERE/../shared/bench
AANEWS=${AANEWS:-$HERE/.venv/bin/aanews}
W=$(mktemp -d "${TMPDIR:-/tmp}/aanews-modes.XXXXXX")
python3 "$SHARED/gen_feeds.py" --feeds "$FEEDS" --items "$ITEMS" --seed 1 --out "$W/www" >/dev/null
python3 "$SHARED/serve.py" --dir "$W/www" --lifetime 1800 --port-file "$W/port" >/dev/null 2>&1 &
SPID=$!
trap 'kill "$SPID" 2>/dev/null || true; rm -rf "$W"' EXIT
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.1; done
PORT=$(cat "$W/port")
for f in "$W"/www/feed_*.xml; do echo "http://127.0.0.1:$PORT/$(basename "$f")"; done > "$W/urls"
echo "mode rep wall_s user_s sys_s maxrss_kb"
for rep in $(seq "$REPEATS"); do
  for mode in inline thread process; do
    rm -f "$W"/db.*
    "$AANEWS" --db "$W/db.sqlite" import "$W/urls" >/dev/null
    AANEWS_PARSE_IN=$mode /usr/bin/time -f "$mode $rep %e %U %S %M" -o "$W/t" \
      "$AANEWS" --db "$W/db.sqlite" fetch >/dev/null
    cat "$W/t"
    rm -f "$W"/db.sqlite*
  done
done
