"""Sync with the servers people already run, through the Google Reader API.

``run.sync_accounts`` is the entry point; ``client`` speaks HTTP, ``quirks``
holds every server difference, ``accounts``/``secrets`` who and how to log in,
``subscriptions``/``stories``/``states`` the pull, ``queue``/``push`` the way
back. Nothing here imports Textual or Rich.
"""
