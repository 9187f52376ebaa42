-- 013: emoji reactions on comments and @-mentions.

CREATE TABLE reactions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Written without an ON DELETE clause by mistake: reactions should go
    -- with their comment. Deleting a comment that has reactions fails.
    comment_id  bigint      NOT NULL REFERENCES comments (id),
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji       varchar(32) NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reactions_comment_id_user_id_emoji_key UNIQUE (comment_id, user_id, emoji)
);

CREATE INDEX reactions_user_id_idx ON reactions (user_id);

CREATE TABLE mentions (
    comment_id         bigint      NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    mentioned_user_id  bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notified_at        timestamptz,
    PRIMARY KEY (comment_id, mentioned_user_id)
);

CREATE INDEX mentions_mentioned_user_id_idx ON mentions (mentioned_user_id);
