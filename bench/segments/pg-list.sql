-- What GET /api/v2/segments runs.
SELECT id, value, user_count, created_at, updated_at FROM segments.segment
WHERE subscription_id = 1 AND initiative_id = 'DEE' ORDER BY id;
