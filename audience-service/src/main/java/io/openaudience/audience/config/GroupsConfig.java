package io.openaudience.audience.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds of the user group API's unpaginated reads (tags, categories, categorised groups). */
@ConfigMapping(prefix = "audience.groups")
public interface GroupsConfig {

    /** Most groups listed under one category by {@code GET …/user_group/categorised} (the newest first). */
    @WithDefault("50")
    int categorisedPerCategory();

    /** Most categories shown by the categories and categorised reads (built-in first, then by key). */
    @WithDefault("100")
    int maxCategories();

    /** Most distinct tags {@code GET …/user_group/tags} returns (in alphabetical order). */
    @WithDefault("1000")
    int maxTags();
}
