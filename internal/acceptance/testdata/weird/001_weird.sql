-- Identifiers that break naive tools: quotes, spaces, mixed case, reserved
-- words, 63-byte names, non-ASCII.
CREATE SCHEMA "Tenant Data";
CREATE TABLE "Tenant Data"."User" ("Id" bigint PRIMARY KEY, "e-mail" text NOT NULL);
CREATE TABLE "Tenant Data"."order" (
  "select" bigint PRIMARY KEY,
  "User Id" bigint NOT NULL REFERENCES "Tenant Data"."User" ("Id") ON DELETE CASCADE
);
CREATE TABLE public."we""ird" (
  id int PRIMARY KEY,
  "order ref" bigint REFERENCES "Tenant Data"."order" ("select") ON DELETE SET NULL
);
CREATE TABLE public.ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt (
  id int PRIMARY KEY,
  ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc bigint
    REFERENCES "Tenant Data"."User" ("Id") ON DELETE CASCADE
);
CREATE TABLE public."Ärger" (
  "Schlüssel" int PRIMARY KEY,
  "Benutzer" bigint REFERENCES "Tenant Data"."User" ("Id"),
  "Wurzel" int REFERENCES public."Ärger" ("Schlüssel") ON DELETE CASCADE
);
CREATE TABLE "Tenant Data"."table" (
  "from" int NOT NULL,
  "to" int NOT NULL,
  "user" bigint REFERENCES "Tenant Data"."User" ("Id") ON DELETE RESTRICT,
  PRIMARY KEY ("from", "to")
);
CREATE TABLE "Tenant Data"."Link ""Q""" (
  id int PRIMARY KEY,
  "from" int, "to" int,
  CONSTRAINT "hand named ""fk""" FOREIGN KEY ("from", "to") REFERENCES "Tenant Data"."table" ON DELETE CASCADE
);
