/**
 * The HTTP layer of segments-service: one resource class per URL prefix, with its request mapping beside it. The
 * responses every operation shares are declared once here, as OpenAPI components, and referenced by name
 * ({@code @APIResponse(responseCode = "401", ref = OpenApiExamples.UNAUTHORIZED_REF)}).
 */
@OpenAPIDefinition(info = @Info(title = "segments-service", version = "v2"), components = @Components(responses = {
        @APIResponse(name = OpenApiExamples.UNAUTHORIZED_REF, description = "Missing, expired or invalid bearer token",
                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                        examples = @ExampleObject(name = "unauthorized", value = OpenApiExamples.UNAUTHORIZED))),
        @APIResponse(name = OpenApiExamples.FORBIDDEN_REF,
                description = "The initiativeId header is not among the token's initiatives",
                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                        examples = @ExampleObject(name = "forbidden", value = OpenApiExamples.FORBIDDEN))),
        @APIResponse(name = OpenApiExamples.SEGMENT_NOT_FOUND_REF, description = "No such segment in this initiative",
                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                        examples = @ExampleObject(name = "missing", value = OpenApiExamples.NOT_FOUND))),
        @APIResponse(name = OpenApiExamples.VALUE_INVALID_REF, description = "Missing, blank or too long value",
                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                        examples = @ExampleObject(name = "invalid", value = OpenApiExamples.BAD_REQUEST))),
        @APIResponse(name = OpenApiExamples.VALUE_TAKEN_REF,
                description = "Another segment of the initiative has this value (case-insensitive)",
                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                        examples = @ExampleObject(name = "duplicate", value = OpenApiExamples.CONFLICT))),
        @APIResponse(name = OpenApiExamples.BULK_CREATED_REF,
                description = "One inviteResult per row, in input order; segmentCount = members newly linked",
                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                        examples = @ExampleObject(name = "created", value = OpenApiExamples.BULK_CREATED))),
        @APIResponse(name = OpenApiExamples.BULK_REFUSED_REF,
                description = "The users are not a list of {name, email}"),
        @APIResponse(name = OpenApiExamples.BULK_TOO_LARGE_REF,
                description = "More than 1000 rows: use the import endpoint",
                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                        examples = @ExampleObject(name = "too large", value = OpenApiExamples.TOO_LARGE))),
        @APIResponse(name = OpenApiExamples.IMPORT_ACCEPTED_REF,
                description = "Accepted; Location and statusUrl point to the job (GET it for progress and results)",
                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                        examples = @ExampleObject(name = "accepted", value = OpenApiExamples.IMPORT_ACCEPTED))),
        @APIResponse(name = OpenApiExamples.IMPORT_REFUSED_REF,
                description = "No file, an empty or unreadable file, or no email column (the error names the part)"),
        @APIResponse(name = OpenApiExamples.IMPORT_TOO_LARGE_REF,
                description = "The file is larger than segments.import.max-file-size")}))
package io.openaudience.segments.rest;

import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.Components;
