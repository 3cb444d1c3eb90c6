-- 0018 on PostgreSQL: the same table and counts as ../0018_outbox_counts.sql,
-- with the triggers in plpgsql. Every transaction that queues or sends a
-- message changes a counter: with one row per status, all of them would
-- wait on that row's lock, one after the other, across every instance. So
-- each backend writes its own shard (its process id modulo 16) and a count
-- is the sum of its status's rows. A change of status updates the two
-- counters in the order of their names, so that two transactions on one
-- shard take its row locks in one order.

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

CREATE FUNCTION outbox_counts_add(st TEXT, delta INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO outbox_status_counts (status, shard, n) VALUES (st, pg_backend_pid() % 16, delta)
    ON CONFLICT (status, shard) DO UPDATE SET n = outbox_status_counts.n + EXCLUDED.n;
$$;

CREATE FUNCTION outbox_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM outbox_counts_add(NEW.status, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM outbox_counts_add(OLD.status, -1);
    ELSIF OLD.status <> NEW.status THEN
        IF OLD.status < NEW.status THEN
            PERFORM outbox_counts_add(OLD.status, -1);
            PERFORM outbox_counts_add(NEW.status, 1);
        ELSE
            PERFORM outbox_counts_add(NEW.status, 1);
            PERFORM outbox_counts_add(OLD.status, -1);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_counts_keep AFTER INSERT OR DELETE OR UPDATE OF status ON outbox_messages
    FOR EACH ROW EXECUTE FUNCTION outbox_counts_keep();
