"""Article pages: polite fetching, extraction, and storing with revisions.

Politeness (store.fetching.pacing): one request at a time per host, half a second
apart, across every caller in the process (the reader and ``fetch --full-text``
share the gate); each request through ``store.fetching.http`` (deadline, size cap,
five redirects, http(s) only), conditional once the page's text is stored.
Storing: ``store.pages.storing``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlite_utils import Database

from store import clock
from store.db import in_chunks, open_db, writing
from store.feeds import is_fetchable_url
from store.fetching.client import make_client
from store.fetching.http import FetchError, URLCheck, fetch_feed
from store.fetching.pacing import host_gate
from store.pages.addresses import Resolver, feeds_are_local, page_check, system_resolver
from store.pages.article import ArticleError, extract_article
from store.pages.storing import record_page_failure, store_article
from store.text import clean_line

PAGE_MAX_BYTES = 4 * 1024 * 1024
# A page read less than this long ago is not asked for again unless the feed
# changed the story since; bounded by ``limit`` per call.
DEFAULT_STALE_MINUTES = 60.0
DEFAULT_LIMIT = 100
# Stories a feed carried within this many hours count as "seen in this refresh".
RECHECK_WITHIN_HOURS = 24.0
MAX_HOSTS_AT_ONCE = 4

ProgressHook = Callable[[int, int, str], None]


@dataclass
class FullTextReport:
    """What one full-text pass did, story by story; ``waiting``: over the limit."""

    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0
    revised_ids: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: "full text: 12 read, 3 unchanged, 1 failed; 2 stories revised"."""
        revised = len(self.revised_ids)
        line = (
            f"full text: {self.fetched:,} read, {self.unchanged:,} unchanged, "
            f"{self.failed:,} failed; {revised:,} stor{'y' if revised == 1 else 'ies'} revised"
        )
        line += f" ({self.skipped:,} fresh, skipped)" if self.skipped else ""
        return line + (f"; {self.waiting:,} left for the next pass" if self.waiting else "")


@dataclass
class _Job:
    item_id: int
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    # The URLs of the feeds that carry the story: a local feed may link local pages.
    feed_urls: list[str] = field(default_factory=list)


def refresh_full_text(
    db_path: str | Path | None,
    item_ids: Iterable[int],
    *,
    timeout: float = 30.0,
    on_progress: ProgressHook | None = None,
    stale_minutes: float = DEFAULT_STALE_MINUTES,
    limit: int = DEFAULT_LIMIT,
    force: bool = False,
    recheck_feeds: Iterable[int] = (),
    since: str | None = None,
    resolve: Resolver = system_resolver,
) -> FullTextReport:
    """Read the article pages of these stories and store what they say.

    Stories whose page was read less than ``stale_minutes`` ago, and that the
    feed did not change since, are skipped unless ``force``; at most ``limit``
    pages are asked for. ``recheck_feeds`` adds the stale pages of stories those
    feeds carry (see ``pages_to_recheck``). ``timeout`` is each request's total
    deadline. ``since`` is when the fetch run began (ISO 8601): a story the
    feed revised since then is completed by its page, not revised twice.
    Pages (and their redirects) on private or local addresses are refused unless
    a feed carrying the story is itself on one (``store.pages.addresses``;
    ``resolve`` maps a host to its addresses). A page that fails, however it
    fails, fails alone. Blocking: call it from a worker thread.
    """
    db = open_db(db_path)
    try:
        wanted = list(item_ids)
        wanted += pages_to_recheck(db, recheck_feeds, stale_minutes=stale_minutes, limit=limit)
        wanted = list(dict.fromkeys(wanted))
        if not force:
            wanted = pages_allowed(db, wanted)
        picked = wanted if force else pick_for_full_text(db, wanted, stale_minutes=stale_minutes)
        chosen = picked[: max(0, limit)]
        report = FullTextReport(skipped=len(wanted) - len(picked))
        report.waiting = len(picked) - len(chosen)
        jobs = _jobs(db, chosen, report, conditional=not force)
        if jobs:
            asyncio.run(_run(db, jobs, report, timeout, on_progress, since, resolve))
        return report
    finally:
        db.close()


def pages_allowed(db: Database, item_ids: Sequence[int], *, only_on: bool = False) -> list[int]:
    """The stories whose feeds' setting lets their page be read, in the order given.

    A story is left out when every feed carrying it has full text off; with
    ``only_on``, kept only when a feed carrying it has full text on.
    """
    ids = list(item_ids)
    verdict: dict[int, int] = {}
    for chunk, marks in in_chunks(ids):
        for item_id, best in db.execute(
            "SELECT x.item_id, MAX(COALESCE(f.full_text, -1)) FROM item_feeds x "
            f"JOIN feeds f ON f.id = x.feed_id WHERE x.item_id IN ({marks}) GROUP BY x.item_id",
            chunk,
        ):
            verdict[item_id] = int(best)
    if only_on:
        return [i for i in ids if verdict.get(i) == 1]
    return [i for i in ids if verdict.get(i, -1) != 0]


def pick_for_full_text(
    db: Database, item_ids: Sequence[int], *, stale_minutes: float = DEFAULT_STALE_MINUTES
) -> list[int]:
    """The stories worth a page request: never read, changed by the feed since, or stale.

    Never-read and changed stories come first, then the stalest pages.
    """
    cutoff = clock.to_iso(clock.now() - timedelta(minutes=stale_minutes)) or ""
    urgent: list[int] = []
    stale: list[tuple[str, int]] = []
    ids = list(item_ids)
    for chunk, marks in in_chunks(ids):
        for item_id, fetched_at, changed_at in db.execute(
            f"SELECT id, page_fetched_at, changed_at FROM items WHERE id IN ({marks})", chunk
        ):
            if fetched_at is None or (changed_at is not None and changed_at > fetched_at):
                urgent.append(item_id)
            elif fetched_at <= cutoff:
                stale.append((fetched_at, item_id))
    order = {item_id: index for index, item_id in enumerate(ids)}
    urgent.sort(key=order.__getitem__)
    return urgent + [item_id for _, item_id in sorted(stale)]


def pages_to_recheck(
    db: Database,
    feed_ids: Iterable[int] = (),
    *,
    seen_since: str | None = None,
    stale_minutes: float = DEFAULT_STALE_MINUTES,
    within_hours: float = RECHECK_WITHIN_HOURS,
    limit: int = DEFAULT_LIMIT,
) -> list[int]:
    """Stories still waiting for their page, longest-waiting first, then stale pages.

    Waiting: never read (a pass stopped at ``limit``), carried by ``feed_ids`` or
    stored at or after ``seen_since`` (a refresh's start): every story gets its
    page within a few passes. Stale: seen since then (or by ``feed_ids`` within
    ``within_hours``), read over ``stale_minutes`` ago, stalest first: so an update
    made only on the page is noticed. At most ``limit`` in all.
    """
    now = clock.now()
    ids = list(feed_ids)
    if seen_since is None and not ids:
        return []
    seen = seen_since or clock.to_iso(now - timedelta(hours=within_hours))
    where = [
        "(i.page_fetched_at IS NULL"
        + (" AND i.last_seen >= ?" if seen_since else "")
        + " OR i.last_seen >= ? AND i.page_fetched_at <= ?)"
    ]
    params: list[object] = [seen_since] if seen_since else []
    params += [seen, clock.to_iso(now - timedelta(minutes=stale_minutes))]
    if ids:
        marks = ",".join("?" * len(ids))
        where.append(f"i.id IN (SELECT item_id FROM item_feeds WHERE feed_id IN ({marks}))")
        params += ids
    return [
        row[0]
        for row in db.execute(
            f"SELECT i.id FROM items i WHERE {' AND '.join(where)} "
            "ORDER BY i.page_fetched_at IS NOT NULL, "
            "COALESCE(i.page_fetched_at, i.first_seen), i.id LIMIT ?",
            [*params, limit],
        )
    ]


def _jobs(db: Database, ids: list[int], report: FullTextReport, *, conditional: bool) -> list[_Job]:
    jobs: list[_Job] = []
    rows = {
        row[0]: row
        for chunk, marks in in_chunks(ids)
        for row in db.execute(
            "SELECT id, link, title, page_etag, page_last_modified, page_sig FROM items "
            f"WHERE id IN ({marks})",
            chunk,
        )
    }
    for item_id in ids:
        if item_id not in rows:
            continue
        _, link, title, etag, last_modified, sig = rows[item_id]
        if not link or not is_fetchable_url(link):
            record_page_failure(db, item_id, "the story has no http(s) link to its page")
            report.failed += 1
            report.errors[item_id] = "no http(s) link"
            continue
        keep = conditional and sig is not None
        jobs.append(
            _Job(item_id, link, title, etag if keep else None, last_modified if keep else None)
        )
    for chunk, marks in in_chunks([job.item_id for job in jobs]):
        carried: dict[int, list[str]] = {}
        for item_id, url in db.execute(
            "SELECT x.item_id, f.url FROM item_feeds x JOIN feeds f ON f.id = x.feed_id "
            f"WHERE x.item_id IN ({marks})",
            chunk,
        ):
            carried.setdefault(item_id, []).append(url)
        for job in jobs:
            job.feed_urls = carried.get(job.item_id, job.feed_urls)
    return jobs


async def _run(
    db: Database,
    jobs: list[_Job],
    report: FullTextReport,
    timeout: float,
    on_progress: ProgressHook | None,
    since: str | None,
    resolve: Resolver,
) -> None:
    by_host: dict[str, list[_Job]] = {}
    for job in jobs:
        by_host.setdefault((urlsplit(job.url).hostname or "").lower(), []).append(job)
    done = 0
    hosts_at_once = asyncio.Semaphore(MAX_HOSTS_AT_ONCE)

    def finished(job: _Job) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, len(jobs), job.title)

    async with make_client(max_connections=MAX_HOSTS_AT_ONCE, timeout=timeout) as client:

        async def one_host(host_jobs: list[_Job]) -> None:
            async with hosts_at_once:
                for job in host_jobs:
                    local = await asyncio.to_thread(feeds_are_local, job.feed_urls, resolve)
                    check = page_check(local, resolve)
                    try:
                        await _one_page(db, client, job, report, timeout, since, check)
                    except Exception as error:  # noqa: BLE001 - one page must not stop the pass
                        _failed(db, job, report, f"could not read the page: {_describe(error)}")
                    finished(job)

        await asyncio.gather(*(one_host(host_jobs) for host_jobs in by_host.values()))


async def _one_page(
    db: Database,
    client: httpx.AsyncClient,
    job: _Job,
    report: FullTextReport,
    timeout: float,
    since: str | None,
    check: URLCheck | None,
) -> None:
    try:
        async with host_gate(job.url):
            result = await fetch_feed(
                client,
                job.url,
                etag=job.etag,
                last_modified=job.last_modified,
                timeout=timeout,
                max_bytes=PAGE_MAX_BYTES,
                check_url=check,
            )
    except FetchError as error:
        _failed(db, job, report, _page_words(error.reason))
        return
    if result.not_modified or result.body is None:
        with writing(db):
            db.execute(
                "UPDATE items SET page_fetched_at = ?, full_text_error = NULL WHERE id = ?",
                [clock.now_iso(), job.item_id],
            )
        report.unchanged += 1
        return
    try:
        article = extract_article(result.body, url=result.url, charset=result.charset)
    except ArticleError as error:
        _failed(db, job, report, str(error))
        return
    except (RecursionError, MemoryError) as error:
        _failed(db, job, report, f"the page is too deeply nested to read ({type(error).__name__})")
        return
    if store_article(
        db,
        job.item_id,
        article,
        etag=result.etag,
        last_modified=result.last_modified,
        since=since,
    ):
        report.revised_ids.append(job.item_id)
    report.fetched += 1


def _failed(db: Database, job: _Job, report: FullTextReport, reason: str) -> None:
    reason = clean_line(reason)[:300]
    record_page_failure(db, job.item_id, reason)
    report.failed += 1
    report.errors[job.item_id] = reason


def _describe(error: BaseException) -> str:
    """An unexpected failure in one line: its kind, and what it says (cleaned)."""
    return clean_line(f"{type(error).__name__}: {error}")[:200]


def _page_words(reason: str) -> str:
    """store.fetching.http speaks of feeds; these are pages."""
    return (
        reason.replace("no feed at this address", "no page at this address")
        .replace("the feed is gone; paused", "the page is gone")
        .replace("feed larger than", "page larger than")
    )
