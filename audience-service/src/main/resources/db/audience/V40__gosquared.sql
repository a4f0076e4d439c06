-- GoSquared People (package gosquared, migrations V40–V49): the sites and API keys that authenticate /people/v1 and
-- /tracking/v1, and smart groups. People, attribute values and events are the tables of V2, shared with Fynd.

-- One GoSquared "site" (project) per application: its site_token names the application in ?site_token= (key mode)
-- and in Bearer mode. Created with the application's first API key and never changed, so tracking snippets keep
-- working while keys rotate.
CREATE TABLE gosquared_site (
    site_token      VARCHAR(32)  PRIMARY KEY,
    company_id      VARCHAR(64)  NOT NULL,
    application_id  VARCHAR(64)  NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX gosquared_site_tenant_uq ON gosquared_site (company_id, application_id);

-- API keys of an application. Only the SHA-256 of the key is kept (the key is 160 random bits, shown once at issue):
-- authenticating a request is one probe of api_key_hash_uq. A revoked key keeps its row (revoked_at) and never
-- authenticates again. The tenant and site_token are copied into the row so the probe needs no join.
CREATE TABLE api_key (
    id              CHAR(24)     PRIMARY KEY,
    company_id      VARCHAR(64)  NOT NULL,
    application_id  VARCHAR(64)  NOT NULL,
    site_token      VARCHAR(32)  NOT NULL REFERENCES gosquared_site (site_token),
    name            VARCHAR(255) NOT NULL DEFAULT '',
    key_hash        BYTEA        NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    revoked_at      TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_key_hash_uq ON api_key (key_hash);
CREATE INDEX api_key_tenant_idx ON api_key (company_id, application_id, created_at, id) WHERE revoked_at IS NULL;

-- Smart groups: a name and GoSquared filters, evaluated when read (members are never stored). `slug` is the group's
-- GoSquared id: the slugified name at creation (-1, -2 … on collision), never recomputed, so renames keep it.
-- `filters` is kept as the client sent it and parsed again on every read (definitions may have changed since).
CREATE TABLE smart_group (
    id              CHAR(24)     PRIMARY KEY,
    company_id      VARCHAR(64)  NOT NULL,
    application_id  VARCHAR(64)  NOT NULL,
    slug            VARCHAR(80)  NOT NULL,
    name            VARCHAR(255) NOT NULL,
    filters         JSONB        NOT NULL,
    prefs           JSONB        NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX smart_group_slug_uq ON smart_group (company_id, application_id, slug);
