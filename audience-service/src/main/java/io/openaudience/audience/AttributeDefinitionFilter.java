package io.openaudience.audience;

import java.util.List;

/**
 * What a definition list is narrowed to (row 1 and the Fynd SDK's extra filters); every field null = no filter.
 *
 * @param name        case-insensitive part of the name
 * @param excludedIds definitions left out ({@code excluding_ids})
 */
public record AttributeDefinitionFilter(String name, String slug, String type, Boolean customerEditable,
                                        Boolean encrypted, Boolean pinned, Integer pinOrder, Boolean locked,
                                        List<String> excludedIds) {
}
