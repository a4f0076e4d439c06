package io.openaudience.worker.fetch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The address guard alone, with a resolver that answers from a table: no name is looked up and no packet is sent.
 * Every internal range (IPv4 and IPv6, IPv4 inside IPv6) is refused unless allow-listed; public addresses pass.
 */
class AddressGuardTest {

    private final List<String> lookedUp = new ArrayList<>();

    private AddressGuard guard(List<String> allowed, Map<String, String[]> table) {
        return new AddressGuard(allowed, host -> {
            lookedUp.add(host);
            String[] addresses = table.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                out[i] = InetAddress.getByAddress(host, InetAddress.getByName(addresses[i]).getAddress());
            }
            return out;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5", "172.16.3.4", "172.31.255.255", "192.168.1.1", "127.0.0.1", "127.8.9.10",
            "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.1.2.3",
            "240.0.0.1", "255.255.255.255", "192.0.0.8", "198.18.0.1",
            "::", "::1", "fe80::1", "febf::1", "fc00::1", "fd00::1", "fdff:ffff::1", "ff02::1", "fec0::1",
            "::ffff:10.0.0.5", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a00:5", "2002:a00:5::1",
            "::a00:5"})
    void internalAddressesAreRefused(String address) throws Exception {
        AddressGuard guard = guard(List.of(), Map.of("files.example", new String[]{address}));
        FetchFailedException e = assertThrows(FetchFailedException.class, () -> guard.addressOf("files.example"));
        assertTrue(e.getMessage().startsWith("the file_url host files.example is a"), e.getMessage());
        assertTrue(e.getMessage().endsWith("only public addresses are fetched"), e.getMessage());
        // The same address written into the URL directly is refused as well (no lookup needed for it).
        String literal = address.contains(":") ? "[" + address + "]" : address;
        assertThrows(FetchFailedException.class, () -> guard.addressOf(literal));
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "169.253.1.1", "11.0.0.1",
            "2606:2800:220:1:248:1893:25c8:1946", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"})
    void publicAddressesPass(String address) throws Exception {
        AddressGuard guard = guard(List.of(), Map.of("files.example", new String[]{address}));
        assertEquals(InetAddress.getByName(address), guard.addressOf("files.example"));
    }

    @Test
    void theReasonNamesTheRangeAndTheAddress() {
        AddressGuard guard = guard(List.of(), Map.of("metadata.example", new String[]{"169.254.169.254"},
                "lan.example", new String[]{"10.0.0.5"}, "v6.example", new String[]{"fd00::1"}));
        assertEquals("the file_url host metadata.example is a link-local address (169.254.169.254); only public "
                + "addresses are fetched", assertThrows(FetchFailedException.class,
                () -> guard.addressOf("metadata.example")).getMessage());
        assertTrue(assertThrows(FetchFailedException.class, () -> guard.addressOf("lan.example")).getMessage()
                .contains("is a private address (10.0.0.5)"));
        assertTrue(assertThrows(FetchFailedException.class, () -> guard.addressOf("v6.example")).getMessage()
                .contains("is a unique-local address (fd00:0:0:0:0:0:0:1)"));
    }

    @Test
    void oneInternalAddressAmongPublicOnesRefusesTheHost() {
        AddressGuard guard = guard(List.of(), Map.of("mixed.example", new String[]{"93.184.216.34", "::1"}));
        assertTrue(assertThrows(FetchFailedException.class, () -> guard.addressOf("mixed.example")).getMessage()
                .contains("a loopback address"));
    }

    @Test
    void allowListedHostsAndAddressesPass() throws Exception {
        AddressGuard guard = guard(List.of("127.0.0.1", "Files.Internal", "fd00::1"), Map.of(
                "files.internal", new String[]{"10.0.0.5"}, "loop.example", new String[]{"127.0.0.1"},
                "v6.example", new String[]{"fd00::1"}, "other.example", new String[]{"127.0.0.2"}));
        assertEquals(InetAddress.getByName("10.0.0.5"), guard.addressOf("files.internal"));
        assertEquals(InetAddress.getByName("127.0.0.1"), guard.addressOf("loop.example"));
        assertEquals(InetAddress.getByName("127.0.0.1"), guard.addressOf("127.0.0.1"));
        assertEquals(InetAddress.getByName("fd00::1"), guard.addressOf("[fd00::1]"));
        assertEquals(InetAddress.getByName("fd00::1"), guard.addressOf("v6.example"));
        assertThrows(FetchFailedException.class, () -> guard.addressOf("other.example"));
    }

    @Test
    void theHostIsResolvedOnceAndLiteralsNotAtAll() {
        AddressGuard guard = guard(List.of(), Map.of("files.example", new String[]{"93.184.216.34"}));
        guard.addressOf("files.example");
        assertThrows(FetchFailedException.class, () -> guard.addressOf("10.0.0.5"));
        assertEquals(List.of("files.example"), lookedUp);
    }

    @Test
    void anUnknownHostFails() {
        AddressGuard guard = guard(List.of(), Map.of());
        assertEquals("cannot resolve the file_url host nowhere.example",
                assertThrows(FetchFailedException.class, () -> guard.addressOf("nowhere.example")).getMessage());
    }

    @Test
    void forbiddenClassifiesWithoutAnyLookup() throws Exception {
        assertNull(AddressGuard.forbidden(InetAddress.getByName("1.1.1.1")));
        assertEquals("a shared (CGNAT) address", AddressGuard.forbidden(InetAddress.getByName("100.64.1.1")));
        assertEquals("an unspecified address", AddressGuard.forbidden(InetAddress.getByName("::")));
        assertEquals("a multicast address", AddressGuard.forbidden(InetAddress.getByName("ff05::2")));
        // A resolver may hand back an IPv4-mapped address as a true IPv6 address (Java's parser turns it into IPv4).
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 5;
        assertEquals("a private address", AddressGuard.forbidden(Inet6Address.getByAddress("m.example", mapped, null)));
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        assertEquals("a link-local address", AddressGuard.forbidden(Inet6Address.getByAddress(null, mapped, null)));
    }
}
