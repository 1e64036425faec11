"""Getting feeds: the client of a run (client), one GET (http), per-host pacing, many feeds
at once (refresh), parse workers, what a refresh did (report).
"""
