"""Moving feeds and stories in and out: OPML, newsboat urls, JSON backup."""
