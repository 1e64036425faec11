"""The SQL of migration 10 (``store/migrations.py`` lists it): story state and tags as bits.

A word's count (store/search/compiler.py) goes through every story the word matches,
and needs whether each is hidden, unread and carries a tag. Looked up story by story
in an index that costs ~0.5 µs each (195,000 for a common word at 500,000 stories).
Here the stories are in chunks of 64 ids (chunk ``id >> 6``, bit ``id & 63``):

- ``story_bits``: per chunk, which stories are unread and shown, and which hidden;
- ``tag_bits``: per tag and chunk (key ``tag_id << 32 | chunk``), which stories carry
  the tag, themselves or through one of their feeds (as ``tag_counts`` counts them).

The index's matches come in id order, so consecutive matches mostly fall in the same
chunk: SQLite finds the row it is already on without a search, and a bit test is all
that is left. Triggers keep both, like the kept counts (store/kept_counts.py) they sit
beside: a story's read/hidden state, its tags, its feeds, a feed's tags, deletes.
A tag's bits leave a story when its last way to the tag goes. Filled here from scratch.

Append only, like every migration: a change to what is kept is a new migration.
"""

STORY_AND_TAG_BITS = """
    CREATE TABLE story_bits (
        chunk INTEGER PRIMARY KEY,
        unread INTEGER NOT NULL DEFAULT 0,
        hidden INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE tag_bits (
        key INTEGER PRIMARY KEY,
        bits INTEGER NOT NULL DEFAULT 0
    );
    CREATE TRIGGER bits_item_insert AFTER INSERT ON items BEGIN
        INSERT INTO story_bits (chunk, unread, hidden)
        VALUES (new.id >> 6, (new.read = 0 AND new.hidden = 0) << (new.id & 63),
                (new.hidden != 0) << (new.id & 63))
        ON CONFLICT (chunk) DO UPDATE
        SET unread = (unread & ~(1 << (new.id & 63))) | excluded.unread,
            hidden = (hidden & ~(1 << (new.id & 63))) | excluded.hidden;
    END;
    CREATE TRIGGER bits_item_state AFTER UPDATE OF read, hidden ON items
    WHEN old.read IS NOT new.read OR old.hidden IS NOT new.hidden
    BEGIN
        UPDATE story_bits
        SET unread = (unread & ~(1 << (new.id & 63)))
                     | ((new.read = 0 AND new.hidden = 0) << (new.id & 63)),
            hidden = (hidden & ~(1 << (new.id & 63))) | ((new.hidden != 0) << (new.id & 63))
        WHERE chunk = new.id >> 6;
    END;
    CREATE TRIGGER bits_item_delete AFTER DELETE ON items BEGIN
        UPDATE story_bits
        SET unread = unread & ~(1 << (old.id & 63)), hidden = hidden & ~(1 << (old.id & 63))
        WHERE chunk = old.id >> 6;
    END;
    CREATE TRIGGER bits_tag_link AFTER INSERT ON item_tags BEGIN
        INSERT INTO tag_bits (key, bits)
        VALUES ((new.tag_id << 32) + (new.item_id >> 6), 1 << (new.item_id & 63))
        ON CONFLICT (key) DO UPDATE SET bits = bits | excluded.bits;
    END;
    CREATE TRIGGER bits_tag_unlink AFTER DELETE ON item_tags
    WHEN NOT EXISTS (SELECT 1 FROM item_feeds f JOIN feed_tags ft ON ft.feed_id = f.feed_id
                     WHERE f.item_id = old.item_id AND ft.tag_id = old.tag_id)
    BEGIN
        UPDATE tag_bits SET bits = bits & ~(1 << (old.item_id & 63))
        WHERE key = (old.tag_id << 32) + (old.item_id >> 6);
    END;
    CREATE TRIGGER bits_feed_link AFTER INSERT ON item_feeds BEGIN
        INSERT INTO tag_bits (key, bits)
        SELECT (tag_id << 32) + (new.item_id >> 6), 1 << (new.item_id & 63)
        FROM feed_tags WHERE feed_id = new.feed_id
        ON CONFLICT (key) DO UPDATE SET bits = bits | excluded.bits;
    END;
    CREATE TRIGGER bits_feed_unlink AFTER DELETE ON item_feeds BEGIN
        UPDATE tag_bits SET bits = bits & ~(1 << (old.item_id & 63))
        WHERE key IN (
            SELECT (ft.tag_id << 32) + (old.item_id >> 6) FROM feed_tags ft
            WHERE ft.feed_id = old.feed_id
              AND NOT EXISTS (SELECT 1 FROM item_tags t
                              WHERE t.item_id = old.item_id AND t.tag_id = ft.tag_id)
              AND NOT EXISTS (SELECT 1 FROM item_feeds o JOIN feed_tags g ON g.feed_id = o.feed_id
                              WHERE o.item_id = old.item_id AND g.tag_id = ft.tag_id));
    END;
    CREATE TRIGGER bits_feed_tag_link AFTER INSERT ON feed_tags BEGIN
        INSERT INTO tag_bits (key, bits)
        SELECT (new.tag_id << 32) + (item_id >> 6), SUM(1 << (item_id & 63))
        FROM item_feeds WHERE feed_id = new.feed_id GROUP BY item_id >> 6
        ON CONFLICT (key) DO UPDATE SET bits = bits | excluded.bits;
    END;
    CREATE TRIGGER bits_feed_tag_unlink AFTER DELETE ON feed_tags BEGIN
        UPDATE tag_bits SET bits = bits & ~x.gone
        FROM (SELECT (old.tag_id << 32) + (f.item_id >> 6) AS key,
                     SUM(1 << (f.item_id & 63)) AS gone
              FROM item_feeds f WHERE f.feed_id = old.feed_id
                AND NOT EXISTS (SELECT 1 FROM item_tags t
                                WHERE t.item_id = f.item_id AND t.tag_id = old.tag_id)
                AND NOT EXISTS (SELECT 1 FROM item_feeds o
                                JOIN feed_tags g ON g.feed_id = o.feed_id
                                WHERE o.item_id = f.item_id AND g.tag_id = old.tag_id)
              GROUP BY 1) AS x
        WHERE tag_bits.key = x.key;
    END;
    CREATE TRIGGER bits_tag_delete AFTER DELETE ON tags BEGIN
        DELETE FROM tag_bits WHERE key BETWEEN old.id << 32 AND (old.id << 32) + 4294967295;
    END;
    INSERT INTO story_bits (chunk, unread, hidden)
    SELECT id >> 6, SUM((read = 0 AND hidden = 0) << (id & 63)), SUM((hidden != 0) << (id & 63))
    FROM items GROUP BY id >> 6;
    INSERT INTO tag_bits (key, bits)
    SELECT (tag_id << 32) + (item_id >> 6), SUM(1 << (item_id & 63))
    FROM (SELECT tag_id, item_id FROM item_tags
          UNION SELECT ft.tag_id, f.item_id FROM feed_tags ft
          JOIN item_feeds f ON f.feed_id = ft.feed_id)
    GROUP BY 1;
    """

# The bits of a story and of a tag, for a query driven from the index's matches
# (``items_fts``): ``BIT.format(bits="b.unread")`` is 1 or 0.
BIT = "(({bits} >> (items_fts.rowid & 63)) & 1)"
STORY_JOIN = "CROSS JOIN story_bits b ON b.chunk = items_fts.rowid >> 6"
TAG_JOIN = "LEFT JOIN tag_bits {alias} ON {alias}.key = ({tag_id} << 32) + (items_fts.rowid >> 6)"
