import io.openaudience.audience.repository.GroupMemberRepository;
import io.openaudience.audience.service.MemberCursor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Method;

/**
 * The members page of row 19 as audience-service builds it, for members.sh: {@code sql LIMIT} prints the statement
 * GroupMemberRepository runs for a next page by group id without {@code q} (for pgbench), {@code cursors GROUP_ID}
 * turns the member keys on stdin into the cursors the service hands out (for wrk). Run from the service's jars, so
 * the bench cannot drift from the code it measures.
 */
public class MemberPageTool {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "sql" -> {
                Method statement = GroupMemberRepository.class.getDeclaredMethod("statement", boolean.class,
                        boolean.class, boolean.class, int.class);
                statement.setAccessible(true);
                System.out.println(statement.invoke(null, false, false, false, Integer.parseInt(args[1])));
            }
            case "cursors" -> {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
                StringBuilder out = new StringBuilder();
                int page = 2;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.append(new MemberCursor(args[1], Long.parseLong(line.strip()), page++).encode()).append('\n');
                }
                System.out.print(out);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
