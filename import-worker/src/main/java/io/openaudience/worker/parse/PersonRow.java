package io.openaudience.worker.parse;

import java.util.List;

/**
 * A row of an audience job after its rules: who it names (user id, email and phone with their matching keys), a new
 * user id for a person it would create without one, whether it removes the person from the group, the attribute
 * values it sets (normalized JSON, or sealed for encrypted attributes), and, for a rejected row, what identified it,
 * the column at fault and why.
 */
public record PersonRow(long rowNo, String userId, String newUserId, String email, String emailKey, String phone,
                        String phoneKey, Integer countryCode, boolean remove, List<Value> values, String identifier,
                        String field, String error) {

    /** One attribute value of the row: plain JSON, or ciphertext and the id of the key that sealed it. */
    public record Value(String definitionId, String json, String keyId, byte[] sealed) {
    }

    /** A rejected row. */
    public static PersonRow rejected(long rowNo, String identifier, String field, String error) {
        return new PersonRow(rowNo, null, null, null, null, null, null, null, false, List.of(), identifier, field,
                error);
    }
}
