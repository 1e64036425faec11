"""The query kinds every search benchmark times (bench/search.md says why these)."""

QUERIES = {
    "rare word": "zeplin",
    "common word": "istanbul",
    "phrase": '"merkez bankasi"',
    "prefix": "ekono*",
    "filters only": "is:unread lang:fr",
    "combined": "(gaza OR gazze) is:unread -tag:spor since:2020-01-01",
    "empty (all)": "",
    "tag": "tag:ekonomi",
    "rank": "sort:rank securite",
    "feed": "feed:7",
    "unread": "is:unread",
    "starred": "is:starred",
}
