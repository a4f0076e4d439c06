package io.openaudience.audience.rest;

/** Example bodies shown in the OpenAPI document of the attribute, user and event endpoints. */
final class UserAttributeExamples {

    static final String DEFINITION = """
            {"_id":"65f1a2b3c4d5e6f708192a3b","name":"Loyalty tier","slug":"loyalty_tier",\
            "description":"Tier of the loyalty programme","application_id":"app1","type":"string",\
            "validations":[{"type":"regex","value":"^(gold|silver|bronze)$"}],"default_value":"bronze",\
            "customer_editable":false,"encrypted":false,"pinned":true,"pin_order":1,"is_locked":false,\
            "created_at":"2026-12-01T10:00:00.000Z","modified_at":"2026-12-01T10:00:00.000Z"}""";

    static final String DEFINITION_PAGE = "{\"items\":[" + DEFINITION + "],\"page\":{\"type\":\"number\","
            + "\"current\":1,\"size\":10,\"item_total\":1,\"has_next\":false,\"has_previous\":false}}";

    static final String BAD_REGEX = """
            {"code":"invalid_request","message":"validations[0].value: is not a valid regular expression: Unclosed \
            group","request_id":"4f0c…","meta":{"errors":[{"field":"validations[0].value",\
            "message":"is not a valid regular expression: Unclosed group"}]}}""";

    static final String DELETED = """
            {"message":"User attribute definition deleted successfully","success":true}""";

    static final String USER_ATTRIBUTE = """
            {"_id":"65f1a2b3c4d5e6f708192a3c","name":"Loyalty tier","user_id":"u-42","application_id":"app1",\
            "user_attribute_definition_id":"65f1a2b3c4d5e6f708192a3b","type":"string","customer_overridden":false,\
            "attribute":{"key":"loyalty_tier","value":"gold"},"created_at":"2026-12-01T10:00:00.000Z",\
            "updated_at":"2026-12-01T10:00:00.000Z"}""";

    static final String USER_ATTRIBUTE_PAGE = "{\"items\":[" + USER_ATTRIBUTE + "],\"page\":{\"type\":\"number\","
            + "\"current\":1,\"size\":10,\"item_total\":1,\"has_next\":false,\"has_previous\":false}}";

    static final String BULK_ATTRIBUTES = "{\"success\":true,\"attributes\":[" + USER_ATTRIBUTE + "]}";

    static final String USER = """
            {"user_id":"u-42","application_id":"app1","first_name":"Asha","last_name":"Rao",\
            "emails":[{"email":"asha@example.com","primary":true,"verified":false,"active":true}],\
            "phone_numbers":[{"phone":"9999999999","country_code":91,"primary":true,"verified":false,"active":true}],\
            "properties":{"plan":"pro"},"total_events":3,"total_visits":1,\
            "first_seen_at":"2026-12-01T09:00:00.000Z","last_seen_at":"2026-12-01T10:00:00.000Z",\
            "created_at":"2026-12-01T09:00:00.000Z","updated_at":"2026-12-01T10:00:00.000Z"}""";

    static final String EVENTS = """
            [{"user_id":"u-42","name":"pageview","timestamp":"2026-12-01T10:00:00Z",\
            "href":"https://shop.example/cart","properties":{"title":"Cart"}},\
            {"user_id":"u-42","name":"purchase","properties":{"amount":49.9}}]""";

    static final String EVENTS_ACCEPTED = """
            {"success":true,"accepted":2}""";

    private UserAttributeExamples() {
    }
}
