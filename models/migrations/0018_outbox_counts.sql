-- 0018: the outbox's counts by status, kept by triggers, so that the
-- outbox page and the dashboard read four rows whatever the number of
-- messages ever sent (a COUNT … GROUP BY status reads the whole status
-- index, which grows with every email). The PostgreSQL form of the
-- triggers is in postgres/0018_outbox_counts.sql.

-- A status's count is the sum of its rows. SQLite has one writer and keeps
-- one row per status (shard 0); PostgreSQL spreads each count over shards
-- so that concurrent writers do not all wait on one row's lock.
CREATE TABLE outbox_status_counts (
    status TEXT NOT NULL,
    shard INTEGER NOT NULL DEFAULT 0,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (status, shard)
);
INSERT INTO outbox_status_counts (status, n) VALUES
    ('pending', (SELECT COUNT(*) FROM outbox_messages WHERE status = 'pending')),
    ('sending', (SELECT COUNT(*) FROM outbox_messages WHERE status = 'sending')),
    ('sent', (SELECT COUNT(*) FROM outbox_messages WHERE status = 'sent')),
    ('failed', (SELECT COUNT(*) FROM outbox_messages WHERE status = 'failed'));

CREATE TRIGGER outbox_counts_insert AFTER INSERT ON outbox_messages
BEGIN
    UPDATE outbox_status_counts SET n = n + 1 WHERE status = NEW.status;
END;

CREATE TRIGGER outbox_counts_update AFTER UPDATE OF status ON outbox_messages
WHEN OLD.status <> NEW.status
BEGIN
    UPDATE outbox_status_counts SET n = n - 1 WHERE status = OLD.status;
    UPDATE outbox_status_counts SET n = n + 1 WHERE status = NEW.status;
END;

CREATE TRIGGER outbox_counts_delete AFTER DELETE ON outbox_messages
BEGIN
    UPDATE outbox_status_counts SET n = n - 1 WHERE status = OLD.status;
END;
