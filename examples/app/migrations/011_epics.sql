-- 011: epics group issues and nest: deleting an epic deletes its sub-epics.
-- Issues keep existing when their epic goes; only the epic reference is
-- cleared (PostgreSQL 15's column list on SET NULL keeps project_id intact).

CREATE TABLE epics (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint       NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    parent_id   bigint       REFERENCES epics (id) ON DELETE CASCADE,
    owner_id    bigint       REFERENCES users (id) ON DELETE SET NULL,
    title       varchar(200) NOT NULL,
    starts_on   date,
    ends_on     date,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT epics_project_id_id_key UNIQUE (project_id, id),
    CONSTRAINT epics_dates_check CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CONSTRAINT epics_not_own_parent_check CHECK (parent_id IS DISTINCT FROM id)
);

CREATE INDEX epics_parent_id_idx ON epics (parent_id);
CREATE INDEX epics_owner_id_idx ON epics (owner_id);

ALTER TABLE issues ADD COLUMN epic_id bigint;

ALTER TABLE issues
    ADD CONSTRAINT issues_project_id_epic_id_fkey
    FOREIGN KEY (project_id, epic_id) REFERENCES epics (project_id, id)
    ON DELETE SET NULL (epic_id);

CREATE INDEX issues_project_id_epic_id_idx ON issues (project_id, epic_id);
