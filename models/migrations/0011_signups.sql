-- 0011: sign-ups through partner organisations (DESIGN §3.3–3.4).
--
-- A partner organisation of a CLSM (organisations: its address book) is
-- invited to one session at a time: a session_partners row. Its secret
-- sign-up link is an HMAC of (signup, session_partners.id, link_version)
-- (package links): bumping link_version revokes the link and issues a new
-- one; revoked_at set means no link works until one is issued again.
--
-- A registration is one person signed up by a partner to a session:
-- confirmed (holds a place), waiting (on the waiting list, in id order) or
-- cancelled. One live registration per email and session (partial unique
-- index). The one-click cancel link is an HMAC of (cancel, id,
-- cancel_version). accommodations is a comma list of fixed codes
-- (step_free, hearing, large_print, contact_me), never a free text.

ALTER TABLE organisations ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN updated_at TIMESTAMP;
UPDATE organisations SET updated_at = created_at;

-- Kinds become a fixed list; the free texts of earlier versions map to it.
UPDATE organisations SET kind = CASE lower(kind)
    WHEN 'association' THEN 'association'
    WHEN 'centre social' THEN 'association'
    WHEN 'établissement scolaire' THEN 'school'
    WHEN 'école' THEN 'school'
    WHEN 'bailleur social' THEN 'landlord'
    WHEN 'résidence sociale' THEN 'landlord'
    WHEN 'insertion' THEN 'youth_job'
    WHEN 'mission locale' THEN 'youth_job'
    WHEN 'service public' THEN 'public_service'
    WHEN 'service à domicile' THEN 'health'
    WHEN 'protection de l''enfance' THEN 'health'
    WHEN 'santé' THEN 'health'
    WHEN 'collectif d''habitants' THEN 'residents'
    WHEN 'élus' THEN 'elected'
    ELSE 'other' END;

CREATE TABLE session_partners (
    id {{id}},
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    link_version INTEGER NOT NULL DEFAULT 0 CHECK (link_version >= 0),
    revoked_at TIMESTAMP,
    link_sent_at TIMESTAMP,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (session_id, organisation_id)
);
CREATE INDEX session_partners_organisation ON session_partners (organisation_id);

CREATE TABLE registrations (
    id {{id}},
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    partner_id BIGINT NOT NULL REFERENCES session_partners (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('habitant', 'elu', 'professionnel', 'benevole')),
    role TEXT NOT NULL DEFAULT '',
    accommodations TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('confirmed', 'waiting', 'cancelled')),
    cancel_version INTEGER NOT NULL DEFAULT 0 CHECK (cancel_version >= 0),
    confirmed_at TIMESTAMP,
    promoted_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    cancelled_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX registrations_live_email ON registrations (session_id, email) WHERE state <> 'cancelled';
CREATE INDEX registrations_session ON registrations (session_id, state, id);
CREATE INDEX registrations_partner ON registrations (partner_id, state);
