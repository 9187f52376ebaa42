-- +goose Up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE posts (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id)
);

-- +goose Down
DROP TABLE posts;
DROP TABLE users;
