-- 0002: sign-in links, server-side sessions and rate-limit hits.
-- Secrets are stored as SHA-256 hashes only.

CREATE TABLE login_tokens (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX login_tokens_hash ON login_tokens (token_hash);

CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE rate_hits (
    id {{id}},
    bucket TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX rate_hits_bucket_at ON rate_hits (bucket, at);

-- The outbox: every email is written here in the transaction of the change
-- that causes it, then sent by the worker. dedup_key makes a retried
-- operation or a second worker harmless.
CREATE TABLE outbox_messages (
    id {{id}},
    dedup_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    sensitive BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT '',
    permanent BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE UNIQUE INDEX outbox_messages_dedup ON outbox_messages (dedup_key);
CREATE INDEX outbox_messages_due ON outbox_messages (status, next_attempt_at);
