"""The SQL of migrations 7 and 8 (``store/migrations.py`` lists them): counts kept up to date.

7: unread and total counts kept up to date (list_feeds, list_tags read them), so the
sidebar, `feeds list` and the tag list cost as many rows as there are feeds and
tags, not stories. A feed counts every story it carries (total) and those unread
and not hidden; a tag counts the stories not hidden that carry it, themselves or
through a feed, and those unread. Triggers keep them: on a story's read/hidden,
on its feeds and tags, on a feed's tags, on deletes (a story's own before its
links cascade, so those find it gone and count nothing). Filled here from scratch.

8: the same for every story at once, one row: stories not hidden and those of
them unread (the sidebar's All and Unread; store/search/compiler.py counts).

Append only, like every migration: a change to what is kept is a new migration.
"""

FEED_AND_TAG_COUNTS = """
    CREATE TABLE feed_counts (
        feed_id INTEGER PRIMARY KEY,
        total INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE tag_counts (
        tag_id INTEGER PRIMARY KEY,
        total INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0
    );
    CREATE TRIGGER counts_item_state AFTER UPDATE OF read, hidden ON items
    WHEN (old.read = 0 AND old.hidden = 0) IS NOT (new.read = 0 AND new.hidden = 0)
      OR (old.hidden = 0) IS NOT (new.hidden = 0)
    BEGIN
        UPDATE feed_counts
        SET unread = unread + (new.read = 0 AND new.hidden = 0) - (old.read = 0 AND old.hidden = 0)
        WHERE feed_id IN (SELECT feed_id FROM item_feeds WHERE item_id = new.id);
        UPDATE tag_counts
        SET total = total + (new.hidden = 0) - (old.hidden = 0),
            unread = unread + (new.read = 0 AND new.hidden = 0) - (old.read = 0 AND old.hidden = 0)
        WHERE tag_id IN (
            SELECT tag_id FROM item_tags WHERE item_id = new.id
            UNION SELECT ft.tag_id FROM item_feeds f JOIN feed_tags ft ON ft.feed_id = f.feed_id
            WHERE f.item_id = new.id);
    END;
    CREATE TRIGGER counts_item_delete BEFORE DELETE ON items BEGIN
        UPDATE feed_counts
        SET total = total - 1, unread = unread - (old.read = 0 AND old.hidden = 0)
        WHERE feed_id IN (SELECT feed_id FROM item_feeds WHERE item_id = old.id);
        UPDATE tag_counts
        SET total = total - (old.hidden = 0), unread = unread - (old.read = 0 AND old.hidden = 0)
        WHERE tag_id IN (
            SELECT tag_id FROM item_tags WHERE item_id = old.id
            UNION SELECT ft.tag_id FROM item_feeds f JOIN feed_tags ft ON ft.feed_id = f.feed_id
            WHERE f.item_id = old.id);
    END;
    CREATE TRIGGER counts_feed_link AFTER INSERT ON item_feeds BEGIN
        INSERT INTO feed_counts (feed_id, total, unread)
        SELECT new.feed_id, 1, i.read = 0 AND i.hidden = 0 FROM items i WHERE i.id = new.item_id
        ON CONFLICT (feed_id) DO UPDATE
        SET total = total + excluded.total, unread = unread + excluded.unread;
        INSERT INTO tag_counts (tag_id, total, unread)
        SELECT ft.tag_id, i.hidden = 0, i.read = 0 AND i.hidden = 0
        FROM feed_tags ft JOIN items i ON i.id = new.item_id
        WHERE ft.feed_id = new.feed_id
          AND NOT EXISTS (SELECT 1 FROM item_tags t
                          WHERE t.item_id = new.item_id AND t.tag_id = ft.tag_id)
          AND NOT EXISTS (SELECT 1 FROM item_feeds o JOIN feed_tags g ON g.feed_id = o.feed_id
                          WHERE o.item_id = new.item_id AND o.feed_id != new.feed_id
                            AND g.tag_id = ft.tag_id)
        ON CONFLICT (tag_id) DO UPDATE
        SET total = total + excluded.total, unread = unread + excluded.unread;
    END;
    CREATE TRIGGER counts_feed_unlink AFTER DELETE ON item_feeds BEGIN
        UPDATE feed_counts
        SET total = total - 1,
            unread = unread - (SELECT read = 0 AND hidden = 0 FROM items WHERE id = old.item_id)
        WHERE feed_id = old.feed_id AND EXISTS (SELECT 1 FROM items WHERE id = old.item_id);
        UPDATE tag_counts
        SET total = total - (SELECT hidden = 0 FROM items WHERE id = old.item_id),
            unread = unread - (SELECT read = 0 AND hidden = 0 FROM items WHERE id = old.item_id)
        WHERE EXISTS (SELECT 1 FROM items WHERE id = old.item_id)
          AND tag_id IN (
            SELECT ft.tag_id FROM feed_tags ft WHERE ft.feed_id = old.feed_id
              AND NOT EXISTS (SELECT 1 FROM item_tags t
                              WHERE t.item_id = old.item_id AND t.tag_id = ft.tag_id)
              AND NOT EXISTS (SELECT 1 FROM item_feeds o JOIN feed_tags g ON g.feed_id = o.feed_id
                              WHERE o.item_id = old.item_id AND g.tag_id = ft.tag_id));
    END;
    CREATE TRIGGER counts_tag_link AFTER INSERT ON item_tags BEGIN
        INSERT INTO tag_counts (tag_id, total, unread)
        SELECT new.tag_id, i.hidden = 0, i.read = 0 AND i.hidden = 0 FROM items i
        WHERE i.id = new.item_id
          AND NOT EXISTS (SELECT 1 FROM item_feeds f JOIN feed_tags ft ON ft.feed_id = f.feed_id
                          WHERE f.item_id = new.item_id AND ft.tag_id = new.tag_id)
        ON CONFLICT (tag_id) DO UPDATE
        SET total = total + excluded.total, unread = unread + excluded.unread;
    END;
    CREATE TRIGGER counts_tag_unlink AFTER DELETE ON item_tags BEGIN
        UPDATE tag_counts
        SET total = total - (SELECT hidden = 0 FROM items WHERE id = old.item_id),
            unread = unread - (SELECT read = 0 AND hidden = 0 FROM items WHERE id = old.item_id)
        WHERE tag_id = old.tag_id AND EXISTS (SELECT 1 FROM items WHERE id = old.item_id)
          AND NOT EXISTS (SELECT 1 FROM item_feeds f JOIN feed_tags ft ON ft.feed_id = f.feed_id
                          WHERE f.item_id = old.item_id AND ft.tag_id = old.tag_id);
    END;
    CREATE TRIGGER counts_feed_tag_link AFTER INSERT ON feed_tags BEGIN
        INSERT INTO tag_counts (tag_id, total, unread)
        SELECT new.tag_id, COALESCE(SUM(i.hidden = 0), 0),
               COALESCE(SUM(i.read = 0 AND i.hidden = 0), 0)
        FROM item_feeds f JOIN items i ON i.id = f.item_id
        WHERE f.feed_id = new.feed_id
          AND NOT EXISTS (SELECT 1 FROM item_tags t
                          WHERE t.item_id = f.item_id AND t.tag_id = new.tag_id)
          AND NOT EXISTS (SELECT 1 FROM item_feeds o JOIN feed_tags g ON g.feed_id = o.feed_id
                          WHERE o.item_id = f.item_id AND o.feed_id != new.feed_id
                            AND g.tag_id = new.tag_id)
        ON CONFLICT (tag_id) DO UPDATE
        SET total = total + excluded.total, unread = unread + excluded.unread;
    END;
    CREATE TRIGGER counts_feed_tag_unlink AFTER DELETE ON feed_tags BEGIN
        UPDATE tag_counts
        SET total = total - x.shown, unread = unread - x.fresh
        FROM (SELECT COALESCE(SUM(i.hidden = 0), 0) AS shown,
                     COALESCE(SUM(i.read = 0 AND i.hidden = 0), 0) AS fresh
              FROM item_feeds f JOIN items i ON i.id = f.item_id
              WHERE f.feed_id = old.feed_id
                AND NOT EXISTS (SELECT 1 FROM item_tags t
                                WHERE t.item_id = f.item_id AND t.tag_id = old.tag_id)
                AND NOT EXISTS (SELECT 1 FROM item_feeds o
                                JOIN feed_tags g ON g.feed_id = o.feed_id
                                WHERE o.item_id = f.item_id AND g.tag_id = old.tag_id)) AS x
        WHERE tag_id = old.tag_id;
    END;
    CREATE TRIGGER counts_feed_delete AFTER DELETE ON feeds BEGIN
        DELETE FROM feed_counts WHERE feed_id = old.id;
    END;
    CREATE TRIGGER counts_tag_delete AFTER DELETE ON tags BEGIN
        DELETE FROM tag_counts WHERE tag_id = old.id;
    END;
    INSERT INTO feed_counts (feed_id, total, unread)
    SELECT f.feed_id, COUNT(*), COALESCE(SUM(i.read = 0 AND i.hidden = 0), 0)
    FROM item_feeds f JOIN items i INDEXED BY items_state ON i.id = f.item_id
    GROUP BY f.feed_id;
    INSERT INTO tag_counts (tag_id, total, unread)
    SELECT g.tag_id, COUNT(*), COALESCE(SUM(i.read = 0), 0)
    FROM (SELECT tag_id, item_id FROM item_tags
          UNION SELECT ft.tag_id, f.item_id FROM feed_tags ft
          JOIN item_feeds f ON f.feed_id = ft.feed_id) AS g
    JOIN items i INDEXED BY items_state ON i.id = g.item_id AND i.hidden = 0
    GROUP BY g.tag_id;
    """

STORY_COUNTS = """
    CREATE TABLE story_counts (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        total INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO story_counts (id, total, unread)
    SELECT 1, COUNT(*), COALESCE(SUM(read = 0), 0) FROM items WHERE hidden = 0;
    CREATE TRIGGER story_counts_insert AFTER INSERT ON items BEGIN
        UPDATE story_counts
        SET total = total + (new.hidden = 0), unread = unread + (new.read = 0 AND new.hidden = 0);
    END;
    CREATE TRIGGER story_counts_delete AFTER DELETE ON items BEGIN
        UPDATE story_counts
        SET total = total - (old.hidden = 0), unread = unread - (old.read = 0 AND old.hidden = 0);
    END;
    CREATE TRIGGER story_counts_state AFTER UPDATE OF read, hidden ON items
    WHEN (old.read = 0 AND old.hidden = 0) IS NOT (new.read = 0 AND new.hidden = 0)
      OR (old.hidden = 0) IS NOT (new.hidden = 0)
    BEGIN
        UPDATE story_counts
        SET total = total + (new.hidden = 0) - (old.hidden = 0),
            unread = unread + (new.read = 0 AND new.hidden = 0) - (old.read = 0 AND old.hidden = 0);
    END;
    """
