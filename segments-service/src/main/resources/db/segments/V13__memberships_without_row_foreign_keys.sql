-- The two foreign keys of user_segment ran one RI check (an SPI query plus a row lock on the segment or member) per
-- inserted membership: 6 of the 8.5 s it took to insert a million memberships (bench/import). Integrity is kept set-based
-- instead, by the only writers of user_segment:
--   * every insert locks its segment row first (segments-service: FOR NO KEY UPDATE in lockInOrder; import-worker:
--     FOR KEY SHARE once per batch) and takes its user ids from member rows of the same tenant it just read or wrote;
--   * deleting a segment deletes the segment row (waiting for those locks) and then its memberships, in one
--     transaction (SegmentRepository.delete);
--   * members are never deleted (no endpoint deletes them).
ALTER TABLE user_segment DROP CONSTRAINT user_segment_segment_id_fkey;
ALTER TABLE user_segment DROP CONSTRAINT user_segment_user_id_fkey;
