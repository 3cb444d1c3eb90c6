-- 0003: quartiers prioritaires, what each CLSM covers, partner
-- organisations, and small application settings.

CREATE TABLE qpvs (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE qpv_communes (
    qpv_code TEXT NOT NULL REFERENCES qpvs (code) ON DELETE CASCADE,
    insee TEXT NOT NULL,
    PRIMARY KEY (qpv_code, insee)
);
CREATE INDEX qpv_communes_insee ON qpv_communes (insee);

CREATE TABLE clsm_communes (
    clsm_id BIGINT NOT NULL REFERENCES clsms (id) ON DELETE CASCADE,
    insee TEXT NOT NULL,
    PRIMARY KEY (clsm_id, insee)
);

CREATE TABLE clsm_qpvs (
    clsm_id BIGINT NOT NULL REFERENCES clsms (id) ON DELETE CASCADE,
    qpv_code TEXT NOT NULL REFERENCES qpvs (code),
    PRIMARY KEY (clsm_id, qpv_code)
);

-- Partner organisations a CLSM works with (associations, schools, social
-- landlords…); their contacts sign people up through a secret link.
CREATE TABLE organisations (
    id {{id}},
    clsm_id BIGINT NOT NULL REFERENCES clsms (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    contact_email TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organisations_clsm ON organisations (clsm_id);

CREATE TABLE app_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
