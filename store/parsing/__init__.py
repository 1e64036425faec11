"""Feed bytes to plain dataclasses: the lxml fast path (fast) and the feedparser fallback
(feed).
"""
