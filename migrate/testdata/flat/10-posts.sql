-- 10 sorts after 9 and 2, though "10" < "2" as text.
CREATE TABLE posts (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
