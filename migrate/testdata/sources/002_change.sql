-- posts.user_id now cascades.
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE comments ADD CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) NOT VALID;
ALTER TABLE comments VALIDATE CONSTRAINT comments_post_fk;
-- Renaming the referenced table does not change posts_org_id_fkey.
ALTER TABLE orgs RENAME TO teams;
