-- A benchmark audience for the filter engine: :people people of company 'bench' / application 'app' with 6 JSON
-- properties, 10 attribute definitions (values for about half the people each), and per-person stats of 5 event
-- names (3.2 rows a person; the event rows themselves are not read by filters). Deterministic (setseed).
SELECT setseed(0.42);
DELETE FROM audience.user_attribute WHERE company_id = 'bench';
DELETE FROM audience.person_event_stats WHERE company_id = 'bench';
DELETE FROM audience.app_user WHERE company_id = 'bench';
DELETE FROM audience.attribute_definition WHERE company_id = 'bench';

INSERT INTO audience.app_user (company_id, application_id, user_id, email_key, name, properties, signed_up_at,
                               first_seen_at, last_seen_at, total_events, total_visits, created_at)
SELECT 'bench', 'app', 'u' || i, 'user' || i || '@example.com', 'Person ' || i,
       jsonb_build_object(
           'plan', (ARRAY['free', 'free', 'free', 'pro', 'team', 'enterprise'])[1 + (random() * 5)::int],
           'age', 18 + (random() * 60)::int,
           'city', (ARRAY['London', 'Paris', 'Mumbai', 'New York', 'Berlin', 'Tokyo', 'Lagos', 'Lima'])
               [1 + (random() * 7)::int],
           'signup', to_char(now() - random() * interval '1000 days', 'YYYY-MM-DD'),
           'tags', jsonb_build_array('t' || (random() * 20)::int, 't' || (random() * 20)::int),
           'score', round((random() * 100)::numeric, 2)),
       CASE WHEN random() < 0.7 THEN now() - random() * interval '1000 days' END,
       now() - random() * interval '1000 days',
       now() - power(random(), 3) * interval '365 days',
       (random() * 500)::int, (random() * 50)::int,
       now() - random() * interval '1000 days'
FROM generate_series(1, :people) AS i;

INSERT INTO audience.attribute_definition (id, company_id, application_id, name, slug, description, type)
SELECT lpad(to_hex(i), 24, 'b'), 'bench', 'app', 'attr ' || i, s, '', t
FROM (VALUES (1, 'tier', 'string'), (2, 'ltv', 'number'), (3, 'newsletter', 'boolean'), (4, 'birthday', 'date'),
             (5, 'interests', 'string_array'), (6, 'sizes', 'number_array'), (7, 'store', 'string'),
             (8, 'orders', 'number'), (9, 'beta', 'boolean'), (10, 'last_order', 'date')) AS d(i, s, t);

INSERT INTO audience.user_attribute (company_id, application_id, definition_id, user_pk, value)
SELECT 'bench', 'app', d.id, u.id,
       CASE d.type
           WHEN 'string' THEN to_jsonb((ARRAY['gold', 'silver', 'bronze', 'none'])[1 + (random() * 3)::int])
           WHEN 'number' THEN to_jsonb(round((random() * 1000)::numeric, 2))
           WHEN 'boolean' THEN to_jsonb(random() < 0.5)
           WHEN 'date' THEN to_jsonb(to_char(now() - random() * interval '20000 days', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           WHEN 'string_array' THEN jsonb_build_array('i' || (random() * 30)::int, 'i' || (random() * 30)::int)
           ELSE jsonb_build_array((random() * 50)::int, (random() * 50)::int)
       END
FROM audience.app_user u
JOIN audience.attribute_definition d ON d.company_id = 'bench'
-- random() refers to both sides so the planner cannot evaluate it once per definition.
WHERE u.company_id = 'bench' AND random() + 0 * u.id + 0 * length(d.id) < 0.5;

INSERT INTO audience.person_event_stats (user_pk, name, company_id, application_id, count, first_at, last_at)
SELECT u.id, e.name, 'bench', 'app', 1 + (power(random(), 2) * e.max)::int, now() - interval '400 days' * random(),
       now() - power(random(), 2) * interval '200 days'
FROM audience.app_user u
JOIN (VALUES ('pageview', 0.9, 60), ('signup', 1.0, 1), ('login', 0.7, 30), ('add_to_cart', 0.4, 10),
             ('purchase', 0.2, 5)) AS e(name, share, max) ON true
WHERE u.company_id = 'bench' AND random() + 0 * u.id < e.share;

ANALYZE audience.app_user;
ANALYZE audience.user_attribute;
ANALYZE audience.person_event_stats;
