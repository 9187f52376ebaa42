-- 002: workspaces (tenants) and their members.
-- Written before the team agreed on ON DELETE rules: the references to users
-- use the default NO ACTION.

CREATE TYPE member_role AS ENUM ('owner', 'admin', 'member', 'guest');

CREATE TABLE workspaces (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        varchar(48)  NOT NULL UNIQUE,
    name        varchar(120) NOT NULL,
    owner_id    bigint       NOT NULL REFERENCES users (id),
    plan_tier   text         NOT NULL DEFAULT 'free',
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT workspaces_slug_check CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$')
);

CREATE INDEX workspaces_owner_id_idx ON workspaces (owner_id);

CREATE TRIGGER workspaces_set_updated_at
    BEFORE UPDATE ON workspaces
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE workspace_members (
    workspace_id  bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id       bigint      NOT NULL REFERENCES users (id),
    role          member_role NOT NULL DEFAULT 'member',
    joined_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id)
);

CREATE INDEX workspace_members_user_id_idx ON workspace_members (user_id);

CREATE TABLE workspace_invitations (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email             text        NOT NULL,
    role              member_role NOT NULL DEFAULT 'member',
    invited_by        bigint      NOT NULL REFERENCES users (id),
    token             uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    expires_at        timestamptz NOT NULL DEFAULT now() + interval '14 days',
    accepted_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT workspace_invitations_role_check CHECK (role <> 'owner')
);

CREATE INDEX workspace_invitations_workspace_id_idx ON workspace_invitations (workspace_id);
CREATE INDEX workspace_invitations_invited_by_idx ON workspace_invitations (invited_by);
