package io.openaudience.worker.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides where a {@code file_url} may be fetched from: the host is resolved once, and every address it resolves to
 * must be public (not private, loopback, link-local, unique-local, shared/CGNAT, multicast, reserved or unspecified,
 * IPv4 or IPv6, including IPv4 embedded in IPv6) unless the host or the address is allow-listed. The caller connects
 * to the address returned, never resolving the name again, so DNS rebinding cannot swap in an internal address.
 */
public final class AddressGuard {

    /** Resolves a host name to its addresses (the system resolver, or a fixed table in tests). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public static final Resolver SYSTEM = InetAddress::getAllByName;

    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");

    private final Set<String> allowed;
    private final Resolver resolver;

    public AddressGuard(Collection<String> allowedHosts, Resolver resolver) {
        this.allowed = allowedHosts.stream().map(String::strip).filter(h -> !h.isEmpty()).map(AddressGuard::normal)
                .collect(Collectors.toUnmodifiableSet());
        this.resolver = resolver;
    }

    /** The address to connect to for {@code host}; throws {@link FetchFailedException} saying why there is none. */
    public InetAddress addressOf(String host) {
        String name = normal(host);
        InetAddress[] addresses;
        try {
            addresses = literal(name) ? new InetAddress[]{InetAddress.getByName(name)} : resolver.resolve(name);
        } catch (UnknownHostException e) {
            throw new FetchFailedException("cannot resolve the file_url host " + host);
        }
        if (addresses == null || addresses.length == 0) {
            throw new FetchFailedException("cannot resolve the file_url host " + host);
        }
        if (allowed.contains(name)) {
            return addresses[0];
        }
        for (InetAddress address : addresses) {
            String reason = forbidden(address);
            if (reason != null && !allowed.contains(address.getHostAddress())) {
                throw new FetchFailedException("the file_url host " + host + " is " + reason + " ("
                        + address.getHostAddress() + "); only public addresses are fetched");
            }
        }
        return addresses[0];
    }

    /** Why an address may not be fetched ("a private address"), or null if it is a public one. */
    public static String forbidden(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? forbiddenV4(b, 0) : forbiddenV6(b);
    }

    private static String forbiddenV4(byte[] b, int at) {
        int a0 = b[at] & 0xff;
        int a1 = b[at + 1] & 0xff;
        int a2 = b[at + 2] & 0xff;
        if (a0 == 0) {
            return "an unspecified address";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "a private address";
        }
        if (a0 == 127) {
            return "a loopback address";
        }
        if (a0 == 169 && a1 == 254) {
            return "a link-local address";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "a shared (CGNAT) address";
        }
        if (a0 >= 224 && a0 <= 239) {
            return "a multicast address";
        }
        if (a0 >= 240 || (a0 == 192 && a1 == 0 && a2 == 0) || (a0 == 198 && (a1 & 0xfe) == 18)) {
            return "a reserved address";
        }
        return null;
    }

    private static String forbiddenV6(byte[] b) {
        if (zeros(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return forbiddenV4(b, 12);
        }
        if (zeros(b, 0, 15)) {
            return b[15] == 0 ? "an unspecified address" : b[15] == 1 ? "a loopback address"
                    : "a reserved address";
        }
        if (zeros(b, 0, 12)) {
            // IPv4-compatible (deprecated): judged by the IPv4 address it carries.
            return forbiddenV4(b, 12);
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
            // NAT64 (64:ff9b::/96) reaches the IPv4 address it carries.
            return forbiddenV4(b, 12);
        }
        if (b0 == 0x20 && b1 == 0x02) {
            // 6to4 (2002::/16) reaches the IPv4 address in bytes 2-5.
            String v4 = forbiddenV4(b, 2);
            if (v4 != null) {
                return v4;
            }
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return "a link-local address";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return "a site-local address";
        }
        if ((b0 & 0xfe) == 0xfc) {
            return "a unique-local address";
        }
        if (b0 == 0xff) {
            return "a multicast address";
        }
        return null;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A host as it is compared: lower case, without the brackets of an IPv6 literal, literals in canonical form. */
    private static String normal(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (literal(h)) {
            try {
                return InetAddress.getByName(h).getHostAddress();
            } catch (UnknownHostException e) {
                return h;
            }
        }
        return h;
    }

    private static boolean literal(String host) {
        return host.indexOf(':') >= 0 || IPV4_LITERAL.matcher(host).matches();
    }
}
