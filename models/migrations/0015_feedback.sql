-- 0015: feedback after a session (DESIGN §3.6), anonymous by construction.
--
-- questionnaires: the stored, versioned definition (JSON: the questions
-- beyond the core ones below, with their French wording); a season may
-- take a newer version, so reports compare like with like by version.
-- Version 1 is the core questionnaire and is inserted here.
--
-- feedback_links: one per attendee (a confirmed registration ticked
-- present, with an email) of a held session. The link is an HMAC of
-- (feedback, registration_id, link_version) (package links). used_at is
-- set, in the transaction that stores the answer, apart from it: nothing
-- ties an answer to a link or a person.
--
-- feedback_answers: the answer, holding only the session, the
-- questionnaire version and the day it came (no time of day, no person),
-- so the order of used_at cannot be matched to the order of answers.
-- knows_where is 'oui' | 'non' | 'ne_sait_pas'; extra is a JSON object of
-- the answers to a version's added questions ('{}' for version 1).

CREATE TABLE questionnaires (
    version INTEGER PRIMARY KEY CHECK (version >= 1),
    title TEXT NOT NULL,
    definition TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);
INSERT INTO questionnaires (version, title, definition, created_at)
VALUES (1, 'Questionnaire de satisfaction', '{}', CURRENT_TIMESTAMP);

ALTER TABLE seasons ADD COLUMN questionnaire_version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE feedback_links (
    registration_id BIGINT PRIMARY KEY REFERENCES registrations (id),
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    questionnaire_version INTEGER NOT NULL REFERENCES questionnaires (version),
    link_version INTEGER NOT NULL DEFAULT 0 CHECK (link_version >= 0),
    sent_at TIMESTAMP,
    reminded_at TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX feedback_links_session ON feedback_links (session_id);
-- The reminder sweep looks for sent, unused, unreminded links.
CREATE INDEX feedback_links_unanswered ON feedback_links (sent_at) WHERE used_at IS NULL AND reminded_at IS NULL;

CREATE TABLE feedback_answers (
    id {{id}},
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    questionnaire_version INTEGER NOT NULL REFERENCES questionnaires (version),
    satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    knowledge_before INTEGER NOT NULL CHECK (knowledge_before BETWEEN 1 AND 5),
    knowledge_after INTEGER NOT NULL CHECK (knowledge_after BETWEEN 1 AND 5),
    knows_where TEXT NOT NULL CHECK (knows_where IN ('oui', 'non', 'ne_sait_pas')),
    recommend BOOLEAN NOT NULL,
    most_useful TEXT NOT NULL DEFAULT '',
    improve TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{}',
    answered_on DATE NOT NULL
);
CREATE INDEX feedback_answers_session ON feedback_answers (session_id, questionnaire_version);
