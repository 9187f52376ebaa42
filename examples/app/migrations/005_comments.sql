-- 005: comments on issues and the files attached to them.

CREATE TABLE comments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_id    bigint      NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    author_id   bigint      NOT NULL REFERENCES users (id),
    -- Replies are deleted with the comment they answer.
    parent_id   bigint      REFERENCES comments (id) ON DELETE CASCADE,
    body        text        NOT NULL,
    edited_at   timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT comments_body_check CHECK (length(body) BETWEEN 1 AND 65536)
);

CREATE INDEX comments_issue_id_created_at_idx ON comments (issue_id, created_at);
CREATE INDEX comments_parent_id_idx ON comments (parent_id);
-- No index on comments.author_id: nobody looked up comments by author yet.

CREATE TABLE attachments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_id      bigint       NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    comment_id    bigint       REFERENCES comments (id) ON DELETE CASCADE,
    uploaded_by   bigint       NOT NULL REFERENCES users (id),
    file_name     varchar(255) NOT NULL,
    content_type  varchar(127) NOT NULL DEFAULT 'application/octet-stream',
    byte_size     bigint       NOT NULL,
    storage_key   text         NOT NULL UNIQUE,
    sha256        bytea        NOT NULL,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT attachments_byte_size_check CHECK (byte_size >= 0 AND byte_size <= 104857600),
    CONSTRAINT attachments_sha256_check CHECK (octet_length(sha256) = 32)
);

CREATE INDEX attachments_issue_id_idx ON attachments (issue_id);
CREATE INDEX attachments_comment_id_idx ON attachments (comment_id);
CREATE INDEX attachments_uploaded_by_idx ON attachments (uploaded_by);
