ALTER TABLE comments RENAME TO remarks;
BEGIN;
ALTER TABLE posts RENAME CONSTRAINT posts_org_id_fkey TO posts_team_fkey;
COMMIT;
BEGIN;
ALTER TABLE events DROP CONSTRAINT events_user_id_fkey;
ALTER TABLE events ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
ROLLBACK;
CREATE INDEX posts_user_id_idx ON posts (user_id);
