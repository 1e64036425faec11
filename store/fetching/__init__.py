"""Getting feeds: HTTP (http), per-host pacing, many feeds at once (refresh), parse workers,
what a refresh did (report).
"""
