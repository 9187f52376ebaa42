-- 001: accounts. The first table of the product; everything else hangs off it.

CREATE TYPE user_status AS ENUM ('invited', 'active', 'suspended', 'deactivated');

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text        NOT NULL,
    display_name  varchar(120) NOT NULL,
    avatar_url    text,
    status        user_status NOT NULL DEFAULT 'invited',
    time_zone     text        NOT NULL DEFAULT 'UTC',
    is_staff      boolean     NOT NULL DEFAULT false,
    last_seen_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_check CHECK (position('@' IN email) > 1),
    CONSTRAINT users_display_name_check CHECK (length(btrim(display_name)) > 0)
);

-- Emails are compared case-insensitively at sign-in.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- Shared trigger function: keeps updated_at honest on every table that has one.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_set_updated_at
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
