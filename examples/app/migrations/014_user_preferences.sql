-- 014: preferences, written by the front-end team, who like camelCase.
-- The quoted names keep their case; every tool must quote them too.

CREATE TYPE "ColorScheme" AS ENUM ('system', 'light', 'dark');

CREATE TABLE "UserPreferences" (
    "userId"          bigint        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    "colorScheme"     "ColorScheme" NOT NULL DEFAULT 'system',
    "locale"          varchar(16)   NOT NULL DEFAULT 'en-US',
    "defaultProjectId" bigint       REFERENCES projects (id) ON DELETE SET NULL,
    "keyboardShortcuts" boolean     NOT NULL DEFAULT true,
    "updatedAt"       timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX "UserPreferences_defaultProjectId_idx" ON "UserPreferences" ("defaultProjectId");
