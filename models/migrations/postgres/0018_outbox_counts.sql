-- 0018 on PostgreSQL: the same table and counts as ../0018_outbox_counts.sql,
-- with the triggers in plpgsql. A change of status updates the two
-- counters in the order of their names, so that two transactions moving
-- messages between statuses take the counters' row locks in one order and
-- cannot deadlock on them.

CREATE TABLE outbox_status_counts (
    status TEXT PRIMARY KEY,
    n BIGINT NOT NULL DEFAULT 0
);
INSERT INTO outbox_status_counts (status, n) VALUES
    ('pending', (SELECT COUNT(*) FROM outbox_messages WHERE status = 'pending')),
    ('sending', (SELECT COUNT(*) FROM outbox_messages WHERE status = 'sending')),
    ('sent', (SELECT COUNT(*) FROM outbox_messages WHERE status = 'sent')),
    ('failed', (SELECT COUNT(*) FROM outbox_messages WHERE status = 'failed'));

CREATE FUNCTION outbox_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE outbox_status_counts SET n = n + 1 WHERE status = NEW.status;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE outbox_status_counts SET n = n - 1 WHERE status = OLD.status;
    ELSIF OLD.status <> NEW.status THEN
        IF OLD.status < NEW.status THEN
            UPDATE outbox_status_counts SET n = n - 1 WHERE status = OLD.status;
            UPDATE outbox_status_counts SET n = n + 1 WHERE status = NEW.status;
        ELSE
            UPDATE outbox_status_counts SET n = n + 1 WHERE status = NEW.status;
            UPDATE outbox_status_counts SET n = n - 1 WHERE status = OLD.status;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_counts_keep AFTER INSERT OR DELETE OR UPDATE OF status ON outbox_messages
    FOR EACH ROW EXECUTE FUNCTION outbox_counts_keep();
