-- The dead letters of one notification: read after each recorded chunk and by the sweeper (DeadLetterRepository.settle),
-- so that a notification whose chunk was given up on ends instead of waiting for it.
CREATE INDEX dead_letter_notification_idx ON dead_letter (notification_id, chunk) WHERE notification_id IS NOT NULL;
