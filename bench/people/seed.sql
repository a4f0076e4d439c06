-- The people benchmark's audience, written by SQL into the schema audience-service's Flyway made, shaped as the API
-- writes it: :people people of :'company' / :'app' (ids from the app_user sequence), a value of each of the 10
-- attribute definitions seed.sh created through the API (10 values a person), and ~10 events a person over the last
-- 90 days (event rows in their monthly partitions, made by ensure_event_partition), with what EventService.record
-- keeps beside them: person_event_stats (count, first, last per person and name) and the people's total_events,
-- total_visits (a pageview at least 30 minutes after the person's previous event, or the first), first/last_seen_at.
--
-- Every person's events are a pure function of its number i (no random()), so the derived tables are computed from
-- the same formulas in one pass instead of aggregating 10,000,000 rows; seed.sh then checks them against the event
-- rows of a sample. Person i: n = 5..15 events, every `step` seconds (2 min, 10 min, 45 min, 3 h or 1 day), the last
-- at :'t0' minus up to 76 days (skewed to recent); event k (0 = first) is a pageview when k + i is even, else
-- login, add_to_cart, search, purchase or signup by (k + i) % 10. Indexes and foreign keys of the bulk tables are
-- dropped for the load and recreated from their own definitions (pg_get_indexdef / pg_get_constraintdef), so the
-- schema ends exactly as Flyway made it.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET work_mem = '256MB';
SET maintenance_work_mem = '1GB';
SET max_parallel_maintenance_workers = 2;
SET synchronous_commit = off;

-- u(i, salt): a uniform number in [0, 1) from a hash of i.
CREATE FUNCTION pg_temp.u(i bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT (hashint8extended(i, salt) & 2147483647)::float8 / 2147483648 $$;

-- The people's event shape.
CREATE TEMP TABLE seed_person AS
SELECT i, :base + i AS pk, 5 + floor(pg_temp.u(i, 1) * 11)::int AS n,
       (ARRAY[120, 600, 2700, 10800, 86400])[1 + floor(pg_temp.u(i, 2) * 5)::int] AS step,
       date_trunc('second', :'t0'::timestamptz) - power(pg_temp.u(i, 3), 2) * interval '76 days' AS last_at
FROM generate_series(1, :people) AS i;

-- The event names' places in a person's sequence: k with (k + i) % period = residue.
CREATE TEMP TABLE seed_name (name text, period int, residue int);
INSERT INTO seed_name VALUES ('pageview', 2, 0), ('login', 10, 1), ('add_to_cart', 10, 3), ('search', 10, 5),
                             ('purchase', 10, 7), ('signup', 10, 9);

-- Per person and name: the first k of that name and how many (none when k0 >= n).
CREATE TEMP TABLE seed_stats AS
SELECT p.pk, s.name, k0, (p.n - 1 - k0) / s.period + 1 AS count,
       p.last_at - (p.n - 1 - k0) * p.step * interval '1 second' AS first_at,
       p.last_at - (p.n - 1 - (k0 + s.period * ((p.n - 1 - k0) / s.period))) * p.step * interval '1 second' AS last_at,
       p.step
FROM seed_person p CROSS JOIN seed_name s
CROSS JOIN LATERAL (SELECT ((s.residue - p.i) % s.period + s.period) % s.period AS k0) z
WHERE k0 < p.n;

-- People, as identified GoSquared people who then sent events: totals as EventService.record leaves them.
INSERT INTO audience.app_user (id, company_id, application_id, user_id, email_key, emails, name, first_name,
                               last_name, first_seen_at, last_seen_at, total_events, total_visits, created_at,
                               updated_at)
SELECT p.pk, :'company', :'app', 'p' || p.i, 'person' || p.i || '@people.example',
       jsonb_build_array(jsonb_build_object('email', 'person' || p.i || '@people.example', 'primary', true,
                                            'verified', false, 'active', true)),
       'Person ' || p.i, 'Person', 'No' || p.i,
       p.last_at - (p.n - 1) * p.step * interval '1 second', p.last_at, p.n,
       CASE WHEN p.step >= 1800 THEN v.count ELSE (v.k0 = 0)::int END,
       p.last_at - (p.n - 1) * p.step * interval '1 second' - interval '1 hour',
       p.last_at - (p.n - 1) * p.step * interval '1 second' - interval '1 hour'
FROM seed_person p JOIN seed_stats v ON v.pk = p.pk AND v.name = 'pageview'
ORDER BY p.pk;
SELECT setval('audience.app_user_id_seq', greatest(:base + :people, (SELECT max(id) FROM audience.app_user)));

-- Indexes and foreign keys of the bulk tables, saved, then dropped for the load.
CREATE TEMP TABLE seed_ddl AS
SELECT 3 AS step, format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS undo,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
           AS redo
FROM pg_constraint c
WHERE c.conrelid IN ('audience.user_attribute'::regclass, 'audience.person_event_stats'::regclass)
  AND c.contype = 'f'
UNION ALL
SELECT 1, format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c
WHERE c.conrelid IN ('audience.user_attribute'::regclass, 'audience.person_event_stats'::regclass)
  AND c.contype IN ('p', 'u')
UNION ALL
SELECT 2, format('DROP INDEX %s', i.indexrelid::regclass),
       replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
FROM pg_index i
WHERE i.indrelid IN ('audience.user_attribute'::regclass, 'audience.person_event_stats'::regclass,
                     'audience.event'::regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
SELECT count(*) AS saved_ddl FROM seed_ddl \gset
DO $$ DECLARE d record; BEGIN
    FOR d IN SELECT undo FROM seed_ddl ORDER BY step DESC LOOP EXECUTE d.undo; END LOOP;
END $$;

-- Attribute values: every person has one of each definition, normalized as AttributeRules stores them.
INSERT INTO audience.user_attribute (id, company_id, application_id, definition_id, user_pk, value, created_at,
                                     updated_at)
SELECT lpad(to_hex(extract(epoch FROM :'t0'::timestamptz)::bigint), 8, '0')
           || lpad(to_hex(p.pk * 16 + d.n), 16, '0'),
       :'company', :'app', d.id, p.pk,
       CASE d.slug
           WHEN 'plan' THEN to_jsonb((ARRAY['free', 'free', 'free', 'pro', 'team', 'enterprise'])
               [1 + floor(pg_temp.u(p.i, 11) * 6)::int])
           WHEN 'tier' THEN to_jsonb((ARRAY['gold', 'silver', 'bronze', 'none'])[1 + floor(pg_temp.u(p.i, 12) * 4)::int])
           WHEN 'ltv' THEN to_jsonb(round((pg_temp.u(p.i, 13) * 1000)::numeric, 2))
           WHEN 'orders' THEN to_jsonb(floor(pg_temp.u(p.i, 14) * 50)::int)
           WHEN 'newsletter' THEN to_jsonb(pg_temp.u(p.i, 15) < 0.5)
           WHEN 'beta' THEN to_jsonb(pg_temp.u(p.i, 16) < 0.2)
           WHEN 'birthday' THEN to_jsonb(to_char((timestamptz '1950-01-01 00:00Z' + pg_temp.u(p.i, 17)
               * interval '20000 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"00:00:00.000"Z"'))
           WHEN 'last_order' THEN to_jsonb(to_char((p.last_at - pg_temp.u(p.i, 18) * interval '30 days')
               AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           WHEN 'interests' THEN jsonb_build_array('i' || floor(pg_temp.u(p.i, 19) * 30)::int,
                                                   'i' || floor(pg_temp.u(p.i, 20) * 30)::int)
           ELSE jsonb_build_array(floor(pg_temp.u(p.i, 21) * 50)::int, floor(pg_temp.u(p.i, 22) * 50)::int)
       END,
       p.last_at, p.last_at
FROM seed_person p
CROSS JOIN (SELECT id, slug, row_number() OVER (ORDER BY slug) AS n FROM audience.attribute_definition
            WHERE company_id = :'company' AND application_id = :'app') d;

-- The months' partitions, as EventService.record ensures them before a write.
SELECT count(audience.ensure_event_partition(d))
FROM generate_series(:'t0'::timestamptz - interval '95 days', :'t0'::timestamptz, interval '1 day') AS d;

-- Events (received when they happened: live tracking).
INSERT INTO audience.event (company_id, application_id, user_pk, name, occurred_at, received_at, href, properties)
SELECT :'company', :'app', p.pk, e.name, e.at, e.at,
       CASE WHEN e.name = 'pageview' THEN 'https://shop.example/p/' || ((p.i * 7 + k) % 300) END,
       CASE WHEN e.name = 'pageview'
            THEN jsonb_build_object('href', 'https://shop.example/p/' || ((p.i * 7 + k) % 300)) ELSE '{}' END
FROM seed_person p
CROSS JOIN LATERAL generate_series(0, p.n - 1) AS k
CROSS JOIN LATERAL (SELECT CASE WHEN (k + p.i) % 2 = 0 THEN 'pageview'
                                ELSE (ARRAY['login', 'add_to_cart', 'search', 'purchase', 'signup'])
                                     [((k + p.i) % 10 + 1) / 2] END AS name,
                           p.last_at - (p.n - 1 - k) * p.step * interval '1 second' AS at) e;

INSERT INTO audience.person_event_stats (user_pk, name, company_id, application_id, count, first_at, last_at)
SELECT pk, name, :'company', :'app', count, first_at, last_at FROM seed_stats ORDER BY pk, name;

DO $$ DECLARE d record; BEGIN
    FOR d IN SELECT redo FROM seed_ddl ORDER BY step LOOP EXECUTE d.redo; END LOOP;
END $$;
