package io.openaudience.worker.parse;

import java.util.List;

/**
 * One data row of an audience file (or one {@code user_data} entry) as read, before any rule: its 1-based number
 * among the data rows, the identifying columns, the {@code action}, the cells of the attribute columns (in the order
 * of {@link AudienceCsvSource#attributeColumns()}, null where the row is short) and an error the parser already found.
 */
public record PersonInput(long rowNo, String userId, String email, String phoneNumber, String countryCode,
                          String action, List<String> cells, String error) {
}
