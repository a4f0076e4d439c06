package io.openaudience.segments.rest;

/**
 * Response examples for the OpenAPI document, taken from the seed pages (000–002) and trimmed, and the names of the
 * shared responses declared once in {@code package-info.java}.
 */
final class OpenApiExamples {

    private OpenApiExamples() {
    }

    static final String UNAUTHORIZED_REF = "Unauthorized";
    static final String FORBIDDEN_REF = "Forbidden";
    static final String SEGMENT_NOT_FOUND_REF = "SegmentNotFound";
    static final String VALUE_INVALID_REF = "SegmentValueInvalid";
    static final String VALUE_TAKEN_REF = "SegmentValueTaken";
    static final String BULK_CREATED_REF = "BulkCreated";
    static final String BULK_REFUSED_REF = "BulkRefused";
    static final String BULK_TOO_LARGE_REF = "BulkTooLarge";
    static final String IMPORT_ACCEPTED_REF = "ImportAccepted";
    static final String IMPORT_REFUSED_REF = "ImportRefused";
    static final String IMPORT_TOO_LARGE_REF = "ImportTooLarge";

    static final String LIST = """
            {"success": true, "data": [{"id": 19, "value": "Young Innovators", \
            "createdAt": "2024-10-24T08:11:55.000Z", "userCount": 5}]}""";

    static final String CREATED = """
            {"success": true, "message": "Segment created successfully", \
            "data": {"id": 19, "value": "Young Innovators", "createdAt": "2024-10-24T08:11:55.000Z"}}""";

    static final String UPDATED = """
            {"success": true, "message": "Segment updated successfully", \
            "data": {"id": 19, "value": "Young Innovators", "createdAt": "2024-10-24T08:11:55.000Z", \
            "updatedAt": "2024-10-25T09:00:00.000Z"}}""";

    static final String DELETED = """
            {"success": true, "message": "Segment deleted successfully"}""";

    static final String WITH_USERS = """
            {"success": true, "data": {"id": 19, "value": "Young Innovators", \
            "createdAt": "2024-10-24T08:11:55.000Z", "users": [{"id": 1650, "email": "aarav.patel@shorterloop.com", \
            "user_subscriptions": [{"firstName": null, "userRole": "idm_member", "status": "pending"}], \
            "segmentOptions": [{"value": "Young Innovators", "user_segment": {"userId": 1650, "segmentOptionId": 19, \
            "initiativeId": 1117, "teamId": 0, "subscriptionId": 1378, "createdAt": "2024-10-24T11:35:19.000Z", \
            "updatedAt": "2024-10-24T11:35:19.000Z"}}]}], "userCount": 5}}""";

    static final String BULK_CREATED = """
            {"success": true, "message": "Users copied to segment successfully", "data": {"inviteResults": [\
            {"success": true, "user": {"id": 1831, "email": "aarav.kapoor11234599@shorterloop.com", \
            "role": "idm_member", "updatedAt": "2024-10-30T05:10:28.056Z", "createdAt": "2024-10-30T05:10:28.056Z", \
            "firstName": "Aarav Kapoor"}}, {"success": false, "email": "not-an-email", "row": 2, \
            "error": "invalid email"}], "segmentCount": 1}}""";

    static final String IMPORT_ACCEPTED = """
            {"success": true, "message": "Import accepted; follow statusUrl for progress", \
            "data": {"jobId": "0b8f5c1e-4a57-4d8e-9a43-2f1f0e7c9d11", "status": "queued", \
            "statusUrl": "/api/v2/jobs/0b8f5c1e-4a57-4d8e-9a43-2f1f0e7c9d11"}}""";

    static final String MOVED = """
            {"success": true, "message": "Users moved to segment successfully", "data": {"count": 2}}""";

    static final String REMOVED = """
            {"success": true, "message": "Users removed from segment successfully", "data": {"count": 2}}""";

    static final String BAD_REQUEST = """
            {"success": false, "message": "value is required", "errors": [{"field": "value", \
            "message": "value is required"}]}""";

    static final String NOT_FOUND = """
            {"success": false, "message": "segment not found"}""";

    static final String CONFLICT = """
            {"success": false, "message": "a segment named 'Young Innovators' already exists", \
            "errors": [{"field": "value", "message": "a segment named 'Young Innovators' already exists"}]}""";

    static final String TOO_LARGE = """
            {"success": false, "message": "at most 1000 users per request; import larger lists with \
            POST /api/v2/segments/19/create-users (CSV or JSON, processed asynchronously)"}""";

    static final String UNAUTHORIZED = """
            {"success": false, "message": "missing, expired or invalid bearer token"}""";

    static final String FORBIDDEN = """
            {"success": false, "message": "the token may not use initiative MGMT"}""";
}
