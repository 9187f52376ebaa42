-- 015: time tracking. Logged hours feed invoices, so a user with time
-- entries cannot be deleted: RESTRICT says so explicitly.

CREATE TABLE time_entries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_id    bigint        NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    user_id     bigint        NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    spent_on    date          NOT NULL DEFAULT current_date,
    minutes     integer       NOT NULL,
    billable    boolean       NOT NULL DEFAULT true,
    note        text,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT time_entries_minutes_check CHECK (minutes > 0 AND minutes <= 1440)
);

CREATE INDEX time_entries_issue_id_idx ON time_entries (issue_id);
CREATE INDEX time_entries_user_id_spent_on_idx ON time_entries (user_id, spent_on);
