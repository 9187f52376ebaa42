-- 008: the audit log. Entries outlive the people who caused them, so the
-- actor is nulled on delete. The session reference was added for incident
-- response and left at the default NO ACTION.

CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint       REFERENCES workspaces (id) ON DELETE SET NULL,
    actor_id      bigint       REFERENCES users (id) ON DELETE SET NULL,
    session_id    uuid         REFERENCES sessions (id),
    action        varchar(64)  NOT NULL,
    target_type   varchar(64)  NOT NULL,
    target_id     text         NOT NULL,
    ip_address    inet,
    details       jsonb        NOT NULL DEFAULT '{}',
    occurred_at   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_action_check CHECK (action ~ '^[a-z_]+\.[a-z_]+$')
);

CREATE INDEX audit_log_workspace_id_occurred_at_idx ON audit_log (workspace_id, occurred_at);
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);
-- No index on audit_log.session_id.
