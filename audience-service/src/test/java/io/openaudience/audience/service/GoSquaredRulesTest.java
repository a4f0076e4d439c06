package io.openaudience.audience.service;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unit rules of the GoSquared package: group slugs, Moment date formats, feed link signatures. */
class GoSquaredRulesTest {

    @Test
    void slugsAreLowerCaseAsciiWithDashes() {
        assertEquals("vip-customers", SmartGroupService.slug("  VIP   Customers!! "));
        assertEquals("cafe-creme-brulee", SmartGroupService.slug("Café Crème Brûlée"));
        assertEquals("a-b", SmartGroupService.slug("a__b"));
        assertEquals("group", SmartGroupService.slug("日本語"));
        assertEquals("x".repeat(64), SmartGroupService.slug("x".repeat(70)));
        assertEquals("a".repeat(63), SmartGroupService.slug("a".repeat(63) + " b"));
        assertEquals("vip", SmartGroupService.free("vip", Set.of()));
        assertEquals("vip-1", SmartGroupService.free("vip", Set.of("vip", "vip-2")));
        assertEquals("vip-3", SmartGroupService.free("vip", Set.of("vip", "vip-1", "vip-2")));
    }

    @Test
    void momentFormatsCoverTheCommonTokensAndRefuseOthers() {
        OffsetDateTime t = OffsetDateTime.parse("2026-03-01T15:04:05.678+02:00");
        assertEquals("2026-03-01T13:04:05.678Z", MomentFormat.of(null).format(t));
        assertEquals("2026-03-01 13:04:05", MomentFormat.of("YYYY-MM-DD HH:mm:ss").format(t));
        assertEquals("Sunday, March 1st 2026, 1:04:05 pm", MomentFormat.of("dddd, MMMM Do YYYY, h:mm:ss a")
                .format(t));
        assertEquals("Sun Mar 1 26 01 PM 0 678 +00:00", MomentFormat.of("ddd MMM D YY hh A d SSS Z").format(t));
        assertEquals(String.valueOf(t.toEpochSecond()), MomentFormat.of("X").format(t));
        assertEquals(String.valueOf(t.toInstant().toEpochMilli()), MomentFormat.of("x").format(t));
        assertEquals("on 01/03 at 13h", MomentFormat.of("[on] DD/MM [at] HH[h]").format(t));
        assertEquals("11th 12th 13th 22nd 23rd", List.of(11, 12, 13, 22, 23).stream()
                .map(d -> MomentFormat.of("Do").format(t.withDayOfMonth(d).withHour(12)))
                .reduce((a, b) -> a + " " + b).orElseThrow());
        for (String bad : List.of("YYYY-QQ", "[open", "w", "y".repeat(101))) {
            ApiException e = assertThrows(ApiException.class, () -> MomentFormat.of(bad), bad);
            assertEquals("dateFormat", e.errors().get(0).field());
        }
        assertEquals(null, MomentFormat.of("YYYY").format(null));
    }

    @Test
    void feedSignaturesBindEveryPartAndNeedALongSecret() {
        assertThrows(IllegalStateException.class, () -> FeedLinks.key(""));
        IllegalStateException shortKey = assertThrows(IllegalStateException.class, () -> FeedLinks.key("x".repeat(31)));
        assertTrue(shortKey.getMessage().contains("GOSQUARED_FEED_SECRET"));
        FeedLinks links = new FeedLinks("s".repeat(32));
        Tenant tenant = Tenant.application("c1", "app1");
        Instant from = Instant.parse("2026-11-01T00:00:00Z");
        Instant to = Instant.parse("2026-11-02T00:00:00Z");
        String signature = links.sign(tenant, "vip", from, to, 1_800_000_000L);
        assertTrue(links.verify(tenant, "vip", from, to, 1_800_000_000L, signature));
        assertFalse(links.verify(tenant, "vip", from, to, 1_800_000_001L, signature));
        assertFalse(links.verify(tenant, "vip-1", from, to, 1_800_000_000L, signature));
        assertFalse(links.verify(Tenant.application("c1", "app2"), "vip", from, to, 1_800_000_000L, signature));
        assertFalse(links.verify(tenant, "vip", from.plusSeconds(1), to, 1_800_000_000L, signature));
        assertFalse(links.verify(tenant, "vip", from, to, 1_800_000_000L, null));
        assertFalse(new FeedLinks("t".repeat(32)).verify(tenant, "vip", from, to, 1_800_000_000L, signature));
        // Length prefixes: moving text between parts changes the message.
        assertNotEquals(FeedLinks.message(Tenant.application("a", "bc"), "g", from, to, 1),
                FeedLinks.message(Tenant.application("ab", "c"), "g", from, to, 1));
    }
}
