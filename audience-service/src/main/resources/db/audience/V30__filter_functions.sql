-- What the filter engine (module audience-filter) needs in the database.

-- Text read as an instant exactly as audience-filter's Values.date reads it: at most 64 characters, optional spaces,
-- tabs, CRs and LFs around `yyyy-MM-dd` (midnight UTC) or `yyyy-MM-ddTHH:mm[:ss[.fraction]]` with `Z` or `±HH:mm`
-- (fractions beyond microseconds dropped). NULL when it is not one or names no real moment (month 13, February 30,
-- hour 24, year 0, an offset beyond ±15:59): never an error, so a filter can read any stored string.
-- PL/pgSQL because its simple expressions are cheap per call (a call costs under 1 µs here), where a SQL function
-- that cannot be inlined costs 150 µs or more a call, and regexp_match with this many groups near a millisecond.
CREATE FUNCTION filter_instant(s TEXT) RETURNS TIMESTAMPTZ LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path FROM CURRENT AS $$
DECLARE
    t      TEXT;
    y      INT;
    mo     INT;
    d      INT;
    h      INT;
    mi     INT;
    sec    INT := 0;
    micros INT := 0;
    off    INT := 0;
    rest   TEXT;
BEGIN
    -- The common forms first (JavaScript's toISOString() and the dates AttributeRules stores; a date alone), checked
    -- without a regular expression: 1 to 2 µs instead of 5 to 10.
    IF s LIKE '____-__-__T__:__:__.___Z' AND translate(s, '0123456789', '') = '--T::.Z' THEN
        IF left(s, 4) <> '0000' AND substr(s, 6, 2) BETWEEN '01' AND '12' AND substr(s, 9, 2) BETWEEN '01' AND '28'
                AND substr(s, 12, 2) <= '23' AND substr(s, 15, 2) <= '59' AND substr(s, 18, 2) <= '59' THEN
            RETURN s::timestamptz;
        END IF;
    ELSIF s LIKE '____-__-__' AND translate(s, '0123456789', '') = '--' THEN
        IF left(s, 4) <> '0000' AND substr(s, 6, 2) BETWEEN '01' AND '12' AND substr(s, 9, 2) BETWEEN '01' AND '28' THEN
            RETURN (s || 'T00:00:00Z')::timestamptz;
        END IF;
    END IF;
    IF char_length(s) > 64 OR s !~ ('^[ \t\r\n]*[0-9]{4}-[0-9]{2}-[0-9]{2}'
            || '([Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?[ \t\r\n]*$') THEN
        RETURN NULL;
    END IF;
    -- The shape is right: every field now stands at a fixed place.
    t := btrim(s, E' \t\r\n');
    y := substr(t, 1, 4)::int;
    mo := substr(t, 6, 2)::int;
    d := substr(t, 9, 2)::int;
    IF y < 1 OR mo < 1 OR mo > 12 OR d < 1
            OR d > extract(DAY FROM make_date(y, mo, 1) + interval '1 month - 1 day') THEN
        RETURN NULL;
    END IF;
    IF length(t) = 10 THEN
        RETURN make_date(y, mo, d)::timestamp AT TIME ZONE 'UTC';
    END IF;
    h := substr(t, 12, 2)::int;
    mi := substr(t, 15, 2)::int;
    IF upper(right(t, 1)) = 'Z' THEN
        rest := substr(t, 17, length(t) - 17);
    ELSE
        IF substr(right(t, 5), 1, 2)::int > 15 OR substr(right(t, 5), 4, 2)::int > 59 THEN
            RETURN NULL;
        END IF;
        off := (substr(right(t, 5), 1, 2)::int * 60 + substr(right(t, 5), 4, 2)::int)
            * CASE WHEN left(right(t, 6), 1) = '-' THEN -1 ELSE 1 END;
        rest := substr(t, 17, length(t) - 22);
    END IF;
    -- rest: empty, or ":ss", or ":ss.fraction".
    IF rest <> '' THEN
        sec := substr(rest, 2, 2)::int;
        IF length(rest) > 3 THEN
            micros := rpad(substr(rest, 5, 6), 6, '0')::int;
        END IF;
    END IF;
    IF h > 23 OR mi > 59 OR sec > 59 THEN
        RETURN NULL;
    END IF;
    RETURN make_timestamp(y, mo, d, h, mi, 0) AT TIME ZONE 'UTC'
        + ((sec * 1000000 + micros)::bigint - off * 60000000::bigint) * interval '1 microsecond';
END
$$;

-- The elements of a JSON array as the filter engine reads them (audience-filter/README.md, "Reading a value"), for the
-- tests "one element passes", written `value op ANY (readings)`; elements that do not read so are left out, anything
-- but an array has none. Functions, not a subquery over jsonb_array_elements, because a correlated subquery keeps a
-- scan out of parallel plans; they run only for array values (scalars are tested inline). Loops over `v -> i` keep to
-- PL/pgSQL's cheap simple expressions.

-- Lower-cased text of the string, number and boolean elements.
CREATE FUNCTION filter_texts(v JSONB) RETURNS TEXT[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path FROM CURRENT AS $$
DECLARE
    found TEXT[] := '{}';
    e     JSONB;
BEGIN
    IF jsonb_typeof(v) <> 'array' THEN
        RETURN found;
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        e := v -> i;
        IF jsonb_typeof(e) IN ('string', 'number', 'boolean') THEN
            found := found || lower(e #>> '{}');
        END IF;
    END LOOP;
    RETURN found;
END
$$;

-- Whether one element's text (case-insensitive) equals / contains / starts / ends with `value` (op: equals,
-- contains, starts, ends).
CREATE FUNCTION filter_text_any(v JSONB, op TEXT, value TEXT) RETURNS BOOLEAN LANGUAGE plpgsql IMMUTABLE STRICT
    PARALLEL SAFE SET search_path FROM CURRENT AS $$
DECLARE
    wanted TEXT := lower(value);
    e      JSONB;
    t      TEXT;
BEGIN
    IF jsonb_typeof(v) <> 'array' THEN
        RETURN FALSE;
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        e := v -> i;
        IF jsonb_typeof(e) IN ('string', 'number', 'boolean') THEN
            t := lower(e #>> '{}');
            IF op = 'equals' AND t = wanted OR op = 'contains' AND strpos(t, wanted) > 0
                    OR op = 'starts' AND starts_with(t, wanted) OR op = 'ends' AND starts_with(reverse(t), reverse(wanted))
                    THEN
                RETURN TRUE;
            END IF;
        END IF;
    END LOOP;
    RETURN FALSE;
END
$$;

-- Numbers: JSON numbers, and strings of at most 64 characters that are plain decimals (Values.NUMBER_RE).
CREATE FUNCTION filter_numbers(v JSONB) RETURNS NUMERIC[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path FROM CURRENT AS $$
DECLARE
    found NUMERIC[] := '{}';
    e     JSONB;
BEGIN
    IF jsonb_typeof(v) <> 'array' THEN
        RETURN found;
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        e := v -> i;
        IF jsonb_typeof(e) = 'number' THEN
            found := found || e::numeric;
        ELSIF jsonb_typeof(e) = 'string' AND char_length(e #>> '{}') <= 64
                AND (e #>> '{}') ~ '^[ \t\r\n]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?[ \t\r\n]*$' THEN
            found := found || (e #>> '{}')::numeric;
        END IF;
    END LOOP;
    RETURN found;
END
$$;

-- Instants of the string elements (filter_instant).
CREATE FUNCTION filter_instants(v JSONB) RETURNS TIMESTAMPTZ[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path FROM CURRENT AS $$
DECLARE
    found TIMESTAMPTZ[] := '{}';
    at    TIMESTAMPTZ;
BEGIN
    IF jsonb_typeof(v) <> 'array' THEN
        RETURN found;
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        IF jsonb_typeof(v -> i) = 'string' THEN
            at := filter_instant(v ->> i);
            IF at IS NOT NULL THEN
                found := found || at;
            END IF;
        END IF;
    END LOOP;
    RETURN found;
END
$$;

-- Booleans: JSON true/false, and the strings true/false in any case between spaces, tabs, CRs and LFs.
CREATE FUNCTION filter_bools(v JSONB) RETURNS BOOLEAN[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path FROM CURRENT AS $$
DECLARE
    found BOOLEAN[] := '{}';
    e     JSONB;
    t     TEXT;
BEGIN
    IF jsonb_typeof(v) <> 'array' THEN
        RETURN found;
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        e := v -> i;
        IF jsonb_typeof(e) = 'boolean' THEN
            found := found || e::boolean;
        ELSIF jsonb_typeof(e) = 'string' THEN
            t := lower(btrim(e #>> '{}', E' \t\r\n'));
            IF t IN ('true', 'false') THEN
                found := found || (t = 'true');
            END IF;
        END IF;
    END LOOP;
    RETURN found;
END
$$;

-- GoSquared `last.seen` filters ("seen in the last 7 days") read a range of it instead of every person of the
-- application, and the people list's default order (last.seen:desc) can walk it. One more index entry when a visit
-- moves last_seen_at (those updates already touch a row a visit anyway). Measured in audience-filter/README.md.
CREATE INDEX app_user_last_seen_idx ON app_user (company_id, application_id, last_seen_at);
