-- 004: issues, labels and the small tables around them.

CREATE TYPE issue_status AS ENUM ('backlog', 'todo', 'in_progress', 'in_review', 'done', 'cancelled');
CREATE TYPE issue_priority AS ENUM ('none', 'low', 'medium', 'high', 'urgent');

CREATE TABLE labels (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name        varchar(50) NOT NULL,
    color       char(7)     NOT NULL DEFAULT '#888888',
    created_by  bigint      NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT labels_project_id_name_key UNIQUE (project_id, name),
    -- Target of the composite key in issue_labels: a label can only be put
    -- on an issue of the same project.
    CONSTRAINT labels_project_id_id_key UNIQUE (project_id, id),
    CONSTRAINT labels_color_check CHECK (color ~ '^#[0-9a-f]{6}$')
);

CREATE INDEX labels_created_by_idx ON labels (created_by);

CREATE TABLE issues (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    bigint         NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    number        integer        NOT NULL,
    title         varchar(300)   NOT NULL,
    body          text           NOT NULL DEFAULT '',
    status        issue_status   NOT NULL DEFAULT 'backlog',
    priority      issue_priority NOT NULL DEFAULT 'none',
    estimate      numeric(5, 1),
    reporter_id   bigint         NOT NULL REFERENCES users (id),
    assignee_id   bigint         REFERENCES users (id) ON DELETE SET NULL,
    due_on        date,
    closed_at     timestamptz,
    created_at    timestamptz    NOT NULL DEFAULT now(),
    updated_at    timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT issues_project_id_number_key UNIQUE (project_id, number),
    CONSTRAINT issues_project_id_id_key UNIQUE (project_id, id),
    CONSTRAINT issues_number_check CHECK (number > 0),
    CONSTRAINT issues_estimate_check CHECK (estimate IS NULL OR estimate >= 0),
    CONSTRAINT issues_closed_check CHECK ((status IN ('done', 'cancelled')) = (closed_at IS NOT NULL))
);

CREATE INDEX issues_reporter_id_idx ON issues (reporter_id);
CREATE INDEX issues_assignee_id_idx ON issues (assignee_id) WHERE closed_at IS NULL;

CREATE TRIGGER issues_set_updated_at
    BEFORE UPDATE ON issues
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Both keys are composite and share project_id, so an issue and its label
-- always belong to the same project.
CREATE TABLE issue_labels (
    project_id  bigint NOT NULL,
    issue_id    bigint NOT NULL,
    label_id    bigint NOT NULL,
    PRIMARY KEY (issue_id, label_id),
    FOREIGN KEY (project_id, issue_id) REFERENCES issues (project_id, id) ON DELETE CASCADE,
    FOREIGN KEY (project_id, label_id) REFERENCES labels (project_id, id) ON DELETE CASCADE
);

CREATE INDEX issue_labels_project_id_label_id_idx ON issue_labels (project_id, label_id);

CREATE TABLE issue_watchers (
    issue_id    bigint      NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issue_id, user_id)
);

CREATE INDEX issue_watchers_user_id_idx ON issue_watchers (user_id);

CREATE TYPE issue_link_kind AS ENUM ('blocks', 'duplicates', 'relates_to');

CREATE TABLE issue_links (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_issue_id  bigint          NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    to_issue_id    bigint          NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    kind           issue_link_kind NOT NULL,
    created_by     bigint          NOT NULL REFERENCES users (id),
    created_at     timestamptz     NOT NULL DEFAULT now(),
    CONSTRAINT issue_links_distinct_check CHECK (from_issue_id <> to_issue_id),
    CONSTRAINT issue_links_from_to_kind_key UNIQUE (from_issue_id, to_issue_id, kind)
);

CREATE INDEX issue_links_to_issue_id_idx ON issue_links (to_issue_id);
CREATE INDEX issue_links_created_by_idx ON issue_links (created_by);
