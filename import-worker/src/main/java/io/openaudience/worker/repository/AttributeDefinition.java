package io.openaudience.worker.repository;

import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.AttributeType;

import java.util.List;

/** An attribute definition of a tenant as a bulk job needs it: where values go, their type, rules and sealing. */
public record AttributeDefinition(String id, String slug, AttributeType type,
                                  List<AttributeRules.Validation> validations, boolean encrypted) {
}
