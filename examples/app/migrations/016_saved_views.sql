-- 016: saved issue filters, private or shared with named people.

CREATE TYPE view_layout AS ENUM ('list', 'board', 'timeline');

CREATE TABLE saved_views (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    bigint       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id  bigint       NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name        varchar(100) NOT NULL,
    layout      view_layout  NOT NULL DEFAULT 'list',
    filter      jsonb        NOT NULL DEFAULT '{}',
    sort_order  smallint     NOT NULL DEFAULT 0,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT saved_views_owner_id_project_id_name_key UNIQUE (owner_id, project_id, name)
);

CREATE INDEX saved_views_project_id_idx ON saved_views (project_id);

CREATE TABLE saved_view_shares (
    view_id     bigint      NOT NULL REFERENCES saved_views (id) ON DELETE CASCADE,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    can_edit    boolean     NOT NULL DEFAULT false,
    shared_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (view_id, user_id)
);

CREATE INDEX saved_view_shares_user_id_idx ON saved_view_shares (user_id);
