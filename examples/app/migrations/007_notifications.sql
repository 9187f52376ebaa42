-- 007: in-app notifications and per-workspace notification settings.

CREATE TYPE notification_kind AS ENUM ('assigned', 'mentioned', 'commented', 'status_changed', 'invited');

CREATE TABLE notifications (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint            NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Who caused the notification. Left at NO ACTION: a user who notified
    -- someone else cannot be deleted until that notification is gone.
    actor_id    bigint            REFERENCES users (id),
    issue_id    bigint            REFERENCES issues (id) ON DELETE CASCADE,
    kind        notification_kind NOT NULL,
    payload     jsonb             NOT NULL DEFAULT '{}',
    read_at     timestamptz,
    created_at  timestamptz       NOT NULL DEFAULT now()
);

CREATE INDEX notifications_user_id_unread_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_issue_id_idx ON notifications (issue_id);
-- No index on notifications.actor_id.

CREATE TYPE digest_frequency AS ENUM ('never', 'hourly', 'daily', 'weekly');

CREATE TABLE notification_settings (
    user_id       bigint           NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id  bigint           NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email_digest  digest_frequency NOT NULL DEFAULT 'daily',
    push_enabled  boolean          NOT NULL DEFAULT true,
    muted_until   timestamptz,
    PRIMARY KEY (user_id, workspace_id)
);

CREATE INDEX notification_settings_workspace_id_idx ON notification_settings (workspace_id);
