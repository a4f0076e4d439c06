import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterSql;
import io.openaudience.audience.filter.FyndConditions;
import io.openaudience.audience.filter.GoSquaredFilters;
import io.openaudience.audience.filter.Params;
import io.openaudience.common.audience.AttributeType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL of the people benchmarks as the services build it, for psql and pgbench; run from a service's jars (the
 * audience-filter engine and the service's own classes, private ones by reflection), so the baselines cannot drift
 * from the code they are compared with. The application's definitions ("id slug type" lines) come on stdin.
 * <ul>
 * <li>{@code people DIR COMPANY APP NOW FILTERS} (audience-service's class path): a smart group's people request, as
 * PeopleService / PeopleRepository run it (the default sort last.seen:desc, no search): {@code count.sql} (the count,
 * values as literals, for psql), {@code count.pgbench} and {@code page.pgbench} (pgbench scripts, the values as
 * variables listed in {@code count.vars} / {@code page.vars}, the page's offset as {@code :off}, its count 10).
 * <li>{@code evaluation COMPANY APP GROUP NOW TYPE CONDITIONS} (import-worker's class path): the statements of
 * GroupEvaluationRepository.evaluate that select the people and write the difference, in one transaction, values as
 * literals, for psql.
 * </ul>
 */
public class PeopleSqlTool {

    private static final Pattern NUMBERED = Pattern.compile("\\$(\\d+)");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "people" -> people(Path.of(args[1]), args[2], args[3], Instant.parse(args[4]), args[5]);
            case "evaluation" -> evaluation(args[1], args[2], args[3], Instant.parse(args[4]), args[5], args[6]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void people(Path dir, String company, String app, Instant now, String filters) throws Exception {
        FilterContext context = FilterContext.of(company, app, definitions(), now);
        Filter filter = GoSquaredFilters.parse(new ObjectMapper().readTree(filters), context);
        Class<?> repository = Class.forName("io.openaudience.audience.repository.PeopleRepository");
        Class<?> queryType = Class.forName("io.openaudience.audience.PeopleQuery");
        Class<?> sortType = Class.forName("io.openaudience.audience.PeopleSort");
        Object sort = sortType.getField("DEFAULT").get(null);
        Constructor<?> newQuery = queryType.getConstructors()[0];
        Object query = newQuery.newInstance(filter, context, null, sort, 0L, 10);

        // The count: PeopleRepository.count runs "SELECT count(*) FROM audience.app_user u WHERE " + where(q).
        Method where = repository.getDeclaredMethod("where", queryType, Params.class);
        where.setAccessible(true);
        Params countParams = Params.numbered(1);
        String count = "SELECT count(*) FROM audience.app_user u WHERE " + where.invoke(null, query, countParams);
        Files.writeString(dir.resolve("count.sql"), literals(count, countParams.values()) + ";\n");
        Files.writeString(dir.resolve("count.pgbench"), variables(count, "c", -1) + ";\n");
        Files.writeString(dir.resolve("count.vars"), vars("c", countParams.values(), -1));

        // The page: PeopleRepository.select(q), its last two values the offset and the count.
        Method select = repository.getDeclaredMethod("select", queryType);
        select.setAccessible(true);
        Object statement = select.invoke(null, query);
        Method sql = statement.getClass().getDeclaredMethod("sql");
        Method params = statement.getClass().getDeclaredMethod("params");
        sql.setAccessible(true);
        params.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) params.invoke(statement);
        int offset = values.size() - 2;
        Files.writeString(dir.resolve("page.pgbench"), variables((String) sql.invoke(statement), "p", offset) + ";\n");
        Files.writeString(dir.resolve("page.vars"), vars("p", values, offset));
    }

    private static void evaluation(String company, String app, String group, Instant now, String type,
                                   String conditions) throws Exception {
        FilterContext context = FilterContext.of(company, app, definitions(), now);
        Filter filter = FyndConditions.parse(new ObjectMapper().readTree(conditions), TextNode.valueOf(type),
                context);
        Params params = Params.numbered(1);
        String where = literals(FilterSql.where(filter, context, params), params.values());
        Class<?> repository = Class.forName("io.openaudience.worker.repository.GroupEvaluationRepository");
        StringBuilder out = new StringBuilder("BEGIN;\n");
        out.append(jdbc(constant(repository, "ONE_AT_A_TIME"), "audience.group_evaluate:" + group)).append(";\n");
        out.append(constant(repository, "SETTINGS")).append(";\n");
        out.append(constant(repository, "MATCHED")).append(where).append(";\n");
        out.append(constant(repository, "COUNT")).append(";\n");
        out.append(constant(repository, "LINEAR_JOINS")).append(";\n");
        out.append(jdbc(constant(repository, "REMOVE"), group)).append(";\n");
        out.append(jdbc(constant(repository, "ADD"), group, company, app, group)).append(";\n");
        out.append("COMMIT;\n");
        System.out.print(out);
    }

    private static List<FilterContext.Definition> definitions() throws Exception {
        List<FilterContext.Definition> list = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] f = line.strip().split(" ");
            if (f.length == 3) {
                list.add(new FilterContext.Definition(f[0], f[1], AttributeType.of(f[2]).orElseThrow()));
            }
        }
        return list;
    }

    private static String constant(Class<?> type, String name) throws Exception {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return (String) f.get(null);
    }

    /** A JDBC statement with its {@code ?} as literals (the statements given hold no other question mark). */
    private static String jdbc(String sql, String... values) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (char c : sql.toCharArray()) {
            out.append(c == '?' ? quote(values[next++]) : String.valueOf(c));
        }
        return out.toString();
    }

    /** {@code $n} as the n-th value, quoted (every placeholder of the engine stands in a CAST to its type). */
    private static String literals(String sql, List<Object> values) {
        Matcher m = NUMBERED.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(quote(text(values.get(Integer.parseInt(m.group(1)) - 1)))));
        }
        return m.appendTail(out).toString();
    }

    /** {@code $n} as the pgbench variable {@code :<prefix>n}, the value at index {@code offset} (if any) as :off. */
    private static String variables(String sql, String prefix, int offset) {
        Matcher m = NUMBERED.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            m.appendReplacement(out, n - 1 == offset ? ":off" : ":" + prefix + n);
        }
        return m.appendTail(out).toString().replace('\n', ' ');
    }

    private static String vars(String prefix, List<Object> values, int offset) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i != offset) {
                out.append(prefix).append(i + 1).append('=').append(text(values.get(i))).append('\n');
            }
        }
        return out.toString();
    }

    private static String text(Object value) {
        return value instanceof OffsetDateTime t ? t.toString() : String.valueOf(value);
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
