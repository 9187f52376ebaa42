-- Fixture for catalog tests: every attribute Inspect reports, with awkward names.
CREATE SCHEMA app;
CREATE SCHEMA "Weird Schema";
CREATE TABLE app.users (id bigint PRIMARY KEY, org_id int, email text UNIQUE);
CREATE TABLE app.orgs (id int PRIMARY KEY);
ALTER TABLE app.users ADD FOREIGN KEY (org_id) REFERENCES app.orgs (id) ON DELETE SET NULL;
CREATE TABLE app.posts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  editor_id bigint REFERENCES app.users ON DELETE SET NULL ON UPDATE CASCADE,
  title text NOT NULL DEFAULT 'untitled',
  slug text GENERATED ALWAYS AS (lower(title)) STORED
);
CREATE INDEX posts_user_idx ON app.posts (user_id, id);
CREATE TABLE app.memberships (
  org_id int NOT NULL, user_id bigint NOT NULL, role text,
  PRIMARY KEY (user_id, org_id)
);
ALTER TABLE app.memberships ADD CONSTRAINT fk_member_user FOREIGN KEY (user_id) REFERENCES app.users (id) ON DELETE RESTRICT DEFERRABLE;
ALTER TABLE app.memberships ADD FOREIGN KEY (org_id) REFERENCES app.orgs (id) DEFERRABLE INITIALLY DEFERRED;
CREATE TABLE app.grants (
  id serial PRIMARY KEY, org_id int, user_id bigint, note text,
  FOREIGN KEY (user_id, org_id) REFERENCES app.memberships (user_id, org_id) MATCH FULL ON DELETE CASCADE
);
CREATE INDEX grants_partial ON app.grants (user_id, org_id) WHERE note IS NOT NULL;
CREATE TABLE app.audit (id int PRIMARY KEY, user_id bigint, tenant_id int, actor bigint);
ALTER TABLE app.audit ADD CONSTRAINT audit_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.users (id) NOT VALID;
ALTER TABLE app.audit ADD FOREIGN KEY (tenant_id, actor) REFERENCES app.memberships (org_id, user_id) ON DELETE SET NULL (actor);
CREATE INDEX audit_expr ON app.audit ((user_id + 1));
CREATE INDEX audit_actor_tenant ON app.audit (actor, tenant_id, id);
CREATE TABLE app.events (id bigint, user_id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE app.events ADD FOREIGN KEY (user_id) REFERENCES app.users (id) ON DELETE CASCADE;
CREATE TABLE app.event_notes (id int PRIMARY KEY, event_id bigint, event_at date,
  FOREIGN KEY (event_id, event_at) REFERENCES app.events (id, at) ON DELETE CASCADE);
CREATE TABLE "Weird Schema"."User Table" ("Id" int PRIMARY KEY, "select" int UNIQUE);
CREATE TABLE "Weird Schema"."Ünïcode ""quoted"" table" (
  "Id" int PRIMARY KEY,
  "UserRef" int REFERENCES "Weird Schema"."User Table" ("Id") ON DELETE SET DEFAULT,
  "order" int DEFAULT 0 REFERENCES "Weird Schema"."User Table" ("select") ON DELETE NO ACTION
);
CREATE TABLE app.epics (id int PRIMARY KEY, parent_id int REFERENCES app.epics ON DELETE CASCADE);
CREATE TABLE app.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (
  id int PRIMARY KEY,
  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb int REFERENCES app.epics
);
CREATE TABLE app."ééééééééééééééééééééééééééééé" (id int PRIMARY KEY, "üüüüüüüüüüüüüüüüü" int REFERENCES app.epics, parent int REFERENCES app.epics);
CREATE TABLE app.multi (a int, b int, c int, d int, e int,
  FOREIGN KEY (a, b) REFERENCES app.memberships (org_id, user_id));
CREATE TABLE "Weird Schema"."cross" (id int PRIMARY KEY, "owner" bigint REFERENCES app.users (id) ON DELETE CASCADE);
