-- 012: teams inside a workspace.

CREATE TABLE teams (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          varchar(80) NOT NULL,
    -- A team outlives its creator.
    created_by    bigint      REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT teams_workspace_id_name_key UNIQUE (workspace_id, name)
);

CREATE INDEX teams_created_by_idx ON teams (created_by);

CREATE TABLE team_members (
    team_id    bigint      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    is_lead    boolean     NOT NULL DEFAULT false,
    joined_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);

CREATE INDEX team_members_user_id_idx ON team_members (user_id);

ALTER TABLE projects ADD COLUMN team_id bigint REFERENCES teams (id) ON DELETE SET NULL;

CREATE INDEX projects_team_id_idx ON projects (team_id);
