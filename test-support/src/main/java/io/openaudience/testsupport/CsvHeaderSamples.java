package io.openaudience.testsupport;

import java.util.List;

/**
 * Header rows of segment import files with what the platform answers, run through both readers of such files (the
 * intake's {@code UploadInspector} and the worker's {@code CsvRowSource}) so that they accept and refuse the same.
 */
public final class CsvHeaderSamples {

    private CsvHeaderSamples() {
    }

    /**
     * @param header   the header row as written (no line break)
     * @param refusal  a fragment of the reason it is refused, or null when it is accepted
     */
    public record Sample(String header, String refusal) {
    }

    public static final List<Sample> ALL = List.of(
            new Sample("email", null),
            new Sample("\uFEFFName, Email ", null),
            new Sample("\"name\",\"e\"\"x\",\"EMAIL\"", null),
            new Sample("\"full, name\",email", null),
            new Sample("na\"me,email", null),
            new Sample("name,mail", "must have an email column"),
            new Sample("name,email,Email", "more than one email column"),
            new Sample("name;email", "comma-separated (';' found"),
            new Sample("name\temail", "comma-separated (a tab found"),
            new Sample("\"email,name", "unterminated quote"),
            new Sample("email," + "x,".repeat(1_000), "more than 1000 columns"),
            new Sample("email," + "x".repeat(100_001), "longer than 100000 characters"));
}
