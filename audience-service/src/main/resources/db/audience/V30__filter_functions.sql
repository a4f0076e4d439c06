-- What the filter engine (module audience-filter) needs in the database.

-- Text read as an instant exactly as audience-filter's Values.date reads it: at most 64 characters, optional spaces,
-- tabs, CRs and LFs around `yyyy-MM-dd` (midnight UTC) or `yyyy-MM-ddTHH:mm[:ss[.fraction]]` with `Z` or `±HH:mm`
-- (fractions beyond microseconds dropped). NULL when it is not one or names no real moment (month 13, February 30,
-- hour 24, year 0, an offset beyond ±15:59): never an error, so a filter can read any stored string.
CREATE FUNCTION filter_instant(s TEXT) RETURNS TIMESTAMPTZ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path FROM CURRENT AS $$
    SELECT CASE
        WHEN m IS NULL THEN NULL
        WHEN m[1]::int < 1 OR m[2]::int < 1 OR m[2]::int > 12 OR m[3]::int < 1 THEN NULL
        -- Only now is make_date safe to call (CASE arms are tried in order).
        WHEN m[3]::int > extract(DAY FROM make_date(m[1]::int, m[2]::int, 1) + interval '1 month - 1 day') THEN NULL
        WHEN m[4] IS NULL THEN make_date(m[1]::int, m[2]::int, m[3]::int)::timestamp AT TIME ZONE 'UTC'
        WHEN m[5]::int > 23 OR m[6]::int > 59 OR coalesce(m[8]::int, 0) > 59 OR coalesce(m[13]::int, 0) > 15
            OR coalesce(m[14]::int, 0) > 59 THEN NULL
        ELSE make_timestamp(m[1]::int, m[2]::int, m[3]::int, m[5]::int, m[6]::int, 0) AT TIME ZONE 'UTC'
            + (coalesce(m[8]::int, 0) * 1000000 + coalesce(rpad(substr(m[10], 1, 6), 6, '0')::int, 0))
              * interval '1 microsecond'
            - (CASE m[12] WHEN '-' THEN -1 ELSE 1 END) * (coalesce(m[13]::int, 0) * 60 + coalesce(m[14]::int, 0))
              * interval '1 minute'
    END
    FROM (SELECT CASE WHEN char_length(s) <= 64 THEN regexp_match(s,
        '^[ \t\r\n]*([0-9]{4})-([0-9]{2})-([0-9]{2})([Tt]([0-9]{2}):([0-9]{2})(:([0-9]{2})(\.([0-9]{1,9}))?)?([Zz]|([+-])([0-9]{2}):([0-9]{2})))?[ \t\r\n]*$'
        ) END AS m) AS parsed
$$;
