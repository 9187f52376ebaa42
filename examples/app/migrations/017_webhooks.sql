-- 017: outgoing webhooks and their delivery log. The delivery log grows by
-- millions of rows a day; its foreign key was left out here to keep the
-- deploy fast (see 020).

CREATE TABLE webhooks (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_by    bigint      REFERENCES users (id) ON DELETE SET NULL,
    url           text        NOT NULL,
    secret        bytea       NOT NULL,
    events        text[]      NOT NULL DEFAULT '{issue.created}',
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhooks_url_check CHECK (url LIKE 'https://%')
);

CREATE INDEX webhooks_workspace_id_idx ON webhooks (workspace_id);
CREATE INDEX webhooks_created_by_idx ON webhooks (created_by);

CREATE TABLE webhook_deliveries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id     bigint      NOT NULL,
    event          varchar(64) NOT NULL,
    request_body   jsonb       NOT NULL,
    response_code  smallint,
    duration_ms    integer,
    attempt        smallint    NOT NULL DEFAULT 1,
    delivered_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_deliveries_attempt_check CHECK (attempt BETWEEN 1 AND 10)
);

CREATE INDEX webhook_deliveries_webhook_id_delivered_at_idx ON webhook_deliveries (webhook_id, delivered_at);
