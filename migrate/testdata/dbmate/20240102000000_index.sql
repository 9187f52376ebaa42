-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY posts_user_id_idx ON posts (user_id);

-- migrate:down
DROP INDEX posts_user_id_idx;
