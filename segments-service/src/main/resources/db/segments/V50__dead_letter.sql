-- Records of import-jobs that import-worker gave up on (written by the worker only): a message it could not read,
-- or a job of this schema that kept failing until its attempts ran out. Kept for an operator; the worker never reads
-- them back. The payload is cut to 10,000 characters; a job given up has its id and no record (topic is null).
CREATE TABLE dead_letter (
    id              BIGSERIAL   PRIMARY KEY,
    topic           TEXT,
    kafka_partition INT,
    kafka_offset    BIGINT,
    message_key     TEXT,
    payload         TEXT,
    job_id          TEXT,
    reason          TEXT        NOT NULL,
    attempts        INT         NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX dead_letter_created_at ON dead_letter (created_at);
