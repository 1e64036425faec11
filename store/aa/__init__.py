"""Anadolu Agency specifics: the feed catalogue, story ids, title flags, stamps, datelines."""
