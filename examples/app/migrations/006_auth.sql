-- 006: sign-in sessions, linked OAuth identities, personal API tokens and
-- password resets.
-- From here on, rows that only make sense for their user are deleted with it.

CREATE TABLE sessions (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       bigint      NOT NULL,
    ip_address    inet,
    user_agent    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    CONSTRAINT fk_sessions_owner FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT sessions_expiry_check CHECK (expires_at > created_at)
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE oauth_identities (
    provider          varchar(32)  NOT NULL,
    provider_user_id  varchar(255) NOT NULL,
    user_id           bigint       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email             text,
    linked_at         timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, provider_user_id),
    CONSTRAINT oauth_identities_provider_check CHECK (provider IN ('google', 'github', 'microsoft', 'okta'))
);

CREATE INDEX oauth_identities_user_id_idx ON oauth_identities (user_id);

CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id  bigint      REFERENCES workspaces (id) ON DELETE CASCADE,
    name          varchar(80) NOT NULL,
    token_prefix  char(8)     NOT NULL,
    token_hash    bytea       NOT NULL UNIQUE,
    scopes        text[]      NOT NULL DEFAULT '{read}',
    last_used_at  timestamptz,
    expires_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT api_tokens_user_id_name_key UNIQUE (user_id, name),
    CONSTRAINT api_tokens_scopes_check CHECK (cardinality(scopes) > 0)
);

CREATE INDEX api_tokens_workspace_id_idx ON api_tokens (workspace_id);

CREATE TABLE password_resets (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX password_resets_user_id_idx ON password_resets (user_id);
