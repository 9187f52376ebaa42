-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE);

-- migrate:down
DROP TABLE posts;
DROP TABLE users;
