package io.openaudience.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * One list of member rows with the outcome both member-creating paths must give each (null = accepted, else the
 * reason): segments-service's synchronous bulk create ({@code BulkCreateUsersTest}) and import-worker's CSV import
 * ({@code ImportJobFlowTest}) each run it through their public entry point and compare with this list, so the two
 * agree row for row. Emails are distinct case-insensitively, so no row is a duplicate of another. (A name with a
 * control character is not here: the JSON API refuses such a body as a whole, before any row rule.)
 */
public final class MemberRowCorpus {

    /** A row (email, name) and the expected outcome: null when accepted, else the reason it is refused. */
    public record Row(String email, String name, String reason) {
    }

    public static final List<Row> ROWS = List.of(
            new Row("ann@example.com", "Ann", null),
            new Row("first.last+tag@sub.example.co", "First Last", null),
            new Row("o'brien@example.ie", "Pat", null),
            new Row("UPPER@EXAMPLE.ORG", null, null),
            new Row("x_y-z@ex-ample.com", "", null),
            new Row("  padded@example.com  ", "  Padded  ", null),
            new Row("not-an-email", "Bad", "invalid email"),
            new Row("a@b", "No dot", "invalid email"),
            new Row("a@@example.com", null, "invalid email"),
            new Row("a b@example.com", null, "invalid email"),
            new Row("dots@example..com", null, "invalid email"),
            new Row("dash@-example.com", null, "invalid email"),
            new Row("under@exa_mple.com", null, "invalid email"),
            new Row("\"quoted\"@example.com", null, "invalid email"),
            new Row("ümlaut@example.com", null, "invalid email"),
            new Row("", "Nobody", "missing email"),
            new Row("c".repeat(309) + "@example.com", null, "email too long (max 320 characters)"),
            new Row("longname@example.com", "n".repeat(256), "name too long (max 255 characters)"));

    private MemberRowCorpus() {
    }

    /** The rows as a CSV file with an {@code email,name} header, every field quoted (RFC 4180), LF line ends. */
    public static String csv() {
        StringBuilder csv = new StringBuilder("email,name\n");
        for (Row row : ROWS) {
            csv.append(quoted(row.email())).append(',').append(quoted(row.name())).append('\n');
        }
        return csv.toString();
    }

    /** "row: reason" of the refused rows, 1-based in list order (the import's error report shape). */
    public static List<String> refusals() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ROWS.size(); i++) {
            if (ROWS.get(i).reason() != null) {
                out.add((i + 1) + ": " + ROWS.get(i).reason());
            }
        }
        return out;
    }

    private static String quoted(String value) {
        return value == null ? "" : "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
