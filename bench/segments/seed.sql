-- One segment with 1,000,000 members (plus 19 small ones) for subscription 1, initiative DEE.
SET search_path = segments;
INSERT INTO member (subscription_id, email, first_name)
SELECT 1, 'user' || g || '@bench.example', 'User ' || g FROM generate_series(1, 1000000) g;
INSERT INTO segment (subscription_id, initiative_id, value)
SELECT 1, 'DEE', 'Segment ' || g FROM generate_series(1, 20) g;
-- The big one is the first segment; each member is also in one small segment so segmentOptions has two entries.
INSERT INTO user_segment (segment_id, user_id, subscription_id, initiative_id)
SELECT (SELECT min(id) FROM segment), m.id, 1, 'DEE' FROM member m WHERE m.subscription_id = 1;
INSERT INTO user_segment (segment_id, user_id, subscription_id, initiative_id)
SELECT (SELECT min(id) FROM segment) + 1 + (m.id % 19), m.id, 1, 'DEE' FROM member m
WHERE m.subscription_id = 1 AND m.id % 10 = 0;
VACUUM ANALYZE member;
VACUUM ANALYZE segment;
VACUUM ANALYZE user_segment;
