-- 003: projects inside a workspace.

CREATE TYPE project_visibility AS ENUM ('private', 'workspace', 'public');

CREATE TABLE projects (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint       NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key           varchar(10)  NOT NULL,
    name          varchar(200) NOT NULL,
    description   text         NOT NULL DEFAULT '',
    visibility    project_visibility NOT NULL DEFAULT 'workspace',
    created_by    bigint       NOT NULL REFERENCES users (id),
    lead_id       bigint       REFERENCES users (id) ON DELETE SET NULL,
    archived_at   timestamptz,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT projects_workspace_id_key_key UNIQUE (workspace_id, key),
    CONSTRAINT projects_key_check CHECK (key ~ '^[A-Z][A-Z0-9]{1,9}$')
);

CREATE INDEX projects_created_by_idx ON projects (created_by);
CREATE INDEX projects_lead_id_idx ON projects (lead_id);

CREATE TRIGGER projects_set_updated_at
    BEFORE UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE project_members (
    project_id  bigint      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id     bigint      NOT NULL REFERENCES users (id),
    role        member_role NOT NULL DEFAULT 'member',
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);

CREATE INDEX project_members_user_id_idx ON project_members (user_id);
