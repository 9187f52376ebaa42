CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orgs (id bigint PRIMARY KEY);
CREATE TABLE posts (
  id bigint PRIMARY KEY,
  user_id bigint REFERENCES users (id),
  org_id bigint REFERENCES orgs (id)
);
CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint);
-- A partitioned table: the per-partition clones of its foreign key are
-- PostgreSQL's doing and are not tracked.
CREATE TABLE events (
  user_id bigint REFERENCES users (id),
  at date NOT NULL
) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO users VALUES (1);
