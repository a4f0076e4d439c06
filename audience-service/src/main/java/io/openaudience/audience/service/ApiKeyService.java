package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.ApiKey;
import io.openaudience.audience.PageRequest;
import io.openaudience.audience.config.GoSquaredConfig;
import io.openaudience.audience.repository.ApiKeyRepository;
import io.openaudience.audience.repository.CredentialRepository;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;

/**
 * GoSquared API keys: issued per application (the key is 160 random bits, shown once, stored as its SHA-256), listed
 * without secrets, revoked at once; and the lookups that turn a request's key or site token into its tenant.
 */
@ApplicationScoped
public class ApiKeyService {

    public static final int MAX_NAME_LENGTH = 255;
    /** Longest site token and key a request may present; longer ones cannot exist and are refused unread. */
    public static final int MAX_CREDENTIAL_LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final ApiKeyRepository keys;
    private final CredentialRepository credentials;
    private final GoSquaredConfig config;

    public ApiKeyService(ApiKeyRepository keys, CredentialRepository credentials, GoSquaredConfig config) {
        this.keys = keys;
        this.credentials = credentials;
        this.config = config;
    }

    /** A key just issued: the stored row and the key itself, which is never shown again. */
    public record Issued(ApiKey key, String apiKey) {
    }

    /** A page of active keys and how many there are. */
    public record KeyPage(List<ApiKey> items, long total) {
    }

    /** Issues a key for the application, creating its site (and site token) with its first key. */
    @WithTransaction
    public Uni<Issued> issue(Tenant tenant, JsonNode body) {
        String name = name(body);
        return keys.countActive(tenant).chain(active -> {
            if (active >= config.maxApiKeys()) {
                throw ApiException.conflict("api_key", "the application already has " + config.maxApiKeys()
                        + " active API keys; revoke one first");
            }
            return keys.siteToken(tenant, "GSN-" + random(10));
        }).chain(siteToken -> {
            String secret = random(20);
            ApiKey key = new ApiKey();
            key.id = ObjectIds.next();
            key.companyId = tenant.companyId();
            key.applicationId = tenant.applicationId();
            key.siteToken = siteToken;
            key.name = name;
            key.keyHash = hash(secret);
            key.createdAt = AttributeDefinitionService.now();
            return keys.persistAndFlush(key).map(saved -> new Issued(saved, secret));
        });
    }

    @WithSession
    public Uni<KeyPage> list(Tenant tenant, PageRequest page) {
        return keys.active(tenant, page.pageNo(), page.pageSize())
                .chain(items -> keys.countActive(tenant).map(total -> new KeyPage(items, total)));
    }

    /** Revokes the key: from the commit on it authenticates nothing (there is no cache to wait for). */
    @WithTransaction
    public Uni<Void> revoke(Tenant tenant, String id) {
        return keys.activeById(tenant, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("API key"))
                .invoke(key -> key.revokedAt = AttributeDefinitionService.now())
                .chain(keys::flush);
    }

    /** The tenant of an active key presented with its site token, or null. */
    public Uni<Tenant> byKey(String apiKey, String siteToken) {
        if (apiKey == null || siteToken == null || apiKey.length() > MAX_CREDENTIAL_LENGTH
                || siteToken.length() > MAX_CREDENTIAL_LENGTH) {
            return Uni.createFrom().nullItem();
        }
        return credentials.tenantOfKey(hash(apiKey), siteToken);
    }

    /** The application a site token names, or null. */
    public Uni<Tenant> bySite(String siteToken) {
        if (siteToken == null || siteToken.length() > MAX_CREDENTIAL_LENGTH) {
            return Uni.createFrom().nullItem();
        }
        return credentials.tenantOfSite(siteToken);
    }

    /** SHA-256 of the key: a fast hash suffices for 160 random bits, which no dictionary or brute force reaches. */
    static byte[] hash(String apiKey) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** {@code bytes} random bytes in RFC 4648 base32 (upper case, no padding): easy to copy, no look-alike symbols. */
    private static String random(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : raw) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    private static String name(JsonNode body) {
        if (body != null && !body.isNull() && !body.isObject()) {
            throw ApiException.badRequest("body", "a JSON object {name?} is required");
        }
        JsonNode name = body == null ? null : body.get("name");
        if (name == null || name.isNull()) {
            return "";
        }
        if (!name.isTextual()) {
            throw ApiException.badRequest("name", "name must be a string");
        }
        String text = name.asText().strip();
        String problem = TextRules.singleLineProblem(text, MAX_NAME_LENGTH);
        if (problem != null) {
            throw ApiException.badRequest("name", "name " + problem);
        }
        return text;
    }
}
