-- Same version as 10-posts.sql: the name breaks the tie ("comments" < "posts"),
-- so this runs first and must not need posts.
CREATE TABLE comments (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
