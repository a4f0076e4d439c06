package io.openaudience.audience.filter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.openaudience.testsupport.Infra;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same compiled filters, with {@code $n} placeholders after two of the statement's own, run on the Vert.x reactive
 * PostgreSQL client (what audience-service uses) select exactly what they select through JDBC.
 */
class ReactiveBindingTest {

    static final String COMPANY = "reactive-co";
    static final String APP = "app";
    static final List<FilterContext.Definition> DEFINITIONS = RandomFiltersTest.definitions('c');
    static final FilterContext CONTEXT = FilterContext.of(COMPANY, APP, DEFINITIONS, RandomFiltersTest.NOW);

    static Connection db;
    static List<Person> people;
    static Vertx vertx;
    static PgConnection pg;

    @BeforeAll
    static void seed() throws Exception {
        db = TestDb.fresh(COMPANY);
        TestDb.definitions(db, COMPANY, APP, DEFINITIONS);
        people = new RandomData(new Random(7), RandomFiltersTest.NOW).people(120, "r", DEFINITIONS);
        TestDb.people(db, COMPANY, APP, people);
        URI uri = URI.create(Infra.jdbcUrl().substring("jdbc:".length()));
        vertx = Vertx.vertx();
        pg = PgConnection.connect(vertx, new PgConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
                        .setDatabase(uri.getPath().substring(1)).setUser(Infra.dbUser())
                        .setPassword(Infra.dbPassword()))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() throws Exception {
        pg.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        db.close();
    }

    @Test
    void numberedPlaceholdersBindLikeJdbc() throws Exception {
        RandomData data = new RandomData(new Random(11), RandomFiltersTest.NOW);
        int compared = 0;
        int nonEmpty = 0;
        while (compared < 300) {
            ArrayNode json = RandomData.NODES.arrayNode();
            Filter filter;
            try {
                if (data.chance(0.5)) {
                    json.add(data.goSquared(people, DEFINITIONS));
                    filter = GoSquaredFilters.parse(json, CONTEXT);
                } else {
                    json.add(data.fynd(people, DEFINITIONS));
                    filter = FyndConditions.parse(json, null, CONTEXT);
                }
            } catch (FilterException e) {
                continue;
            }
            Params params = Params.numbered(3);
            String sql = "SELECT u.user_id FROM audience.app_user u WHERE u.id > $1 AND u.user_id <> $2 AND "
                    + FilterSql.where(filter, CONTEXT, params);
            List<Object> values = new ArrayList<>(List.of(0L, "nobody"));
            values.addAll(params.values());
            RowSet<Row> rows = pg.preparedQuery(sql).execute(Tuple.tuple(values)).toCompletionStage()
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            Set<String> reactive = new TreeSet<>();
            rows.forEach(row -> reactive.add(row.getString(0)));
            assertEquals(new TreeSet<>(TestDb.select(db, filter, CONTEXT)), reactive, json.toString());
            compared++;
            nonEmpty += reactive.isEmpty() ? 0 : 1;
        }
        assertTrue(nonEmpty > 100, nonEmpty + " of 300 selected someone");
    }
}
