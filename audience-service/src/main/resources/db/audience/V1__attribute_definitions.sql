-- Fynd user attribute definitions, per company and application.
CREATE TABLE attribute_definition (
    id                CHAR(24)     PRIMARY KEY,
    company_id        VARCHAR(64)  NOT NULL,
    application_id    VARCHAR(64)  NOT NULL,
    name              VARCHAR(255) NOT NULL,
    slug              VARCHAR(255) NOT NULL,
    description       TEXT         NOT NULL,
    type              VARCHAR(32)  NOT NULL,
    validations       JSONB        NOT NULL DEFAULT '[]',
    default_value     JSONB,
    customer_editable BOOLEAN      NOT NULL DEFAULT FALSE,
    encrypted         BOOLEAN      NOT NULL DEFAULT FALSE,
    pinned            BOOLEAN      NOT NULL DEFAULT FALSE,
    pin_order         INTEGER,
    is_locked         BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    modified_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX attribute_definition_slug_uq ON attribute_definition (company_id, application_id, slug);
CREATE INDEX attribute_definition_list_idx ON attribute_definition (company_id, application_id, created_at, id);
