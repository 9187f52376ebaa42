-- 019: the ON DELETE review. Account deletion requests kept failing, so the
-- oldest references to users were revisited:
--   * workspace memberships go with the user;
--   * comments go with their author (the privacy team asked for it);
--   * attachments go with their uploader;
--   * a workspace owner must hand the workspace over first: RESTRICT says
--     so explicitly instead of relying on the NO ACTION default.
-- Each constraint is dropped and re-added under the same name.

ALTER TABLE workspace_members DROP CONSTRAINT workspace_members_user_id_fkey;
ALTER TABLE workspace_members
    ADD CONSTRAINT workspace_members_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;

ALTER TABLE comments DROP CONSTRAINT comments_author_id_fkey;
ALTER TABLE comments
    ADD CONSTRAINT comments_author_id_fkey
    FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE;

ALTER TABLE attachments DROP CONSTRAINT attachments_uploaded_by_fkey;
ALTER TABLE attachments
    ADD CONSTRAINT attachments_uploaded_by_fkey
    FOREIGN KEY (uploaded_by) REFERENCES users (id) ON DELETE CASCADE;

ALTER TABLE workspaces DROP CONSTRAINT workspaces_owner_id_fkey;
ALTER TABLE workspaces
    ADD CONSTRAINT workspaces_owner_id_fkey
    FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE RESTRICT;
