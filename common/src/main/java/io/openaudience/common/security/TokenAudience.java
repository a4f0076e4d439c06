package io.openaudience.common.security;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;

/**
 * Every service verifies the {@code aud} of bearer tokens: without {@code mp.jwt.verify.audiences} a token the issuer
 * minted for another system would be accepted. The prod profile takes it from {@code JWT_AUDIENCES} with no default
 * (each service's application.properties), so a service started without it stops here, at start-up, rather than at the
 * first request.
 */
@Startup
@ApplicationScoped
public class TokenAudience {

    private final List<String> audiences;

    public TokenAudience(@ConfigProperty(name = "mp.jwt.verify.audiences") Optional<List<String>> audiences) {
        this.audiences = audiences.filter(a -> !a.isEmpty()).orElseThrow(() -> new IllegalStateException(
                "mp.jwt.verify.audiences (JWT_AUDIENCES) is required: the audience bearer tokens must carry"));
    }

    public List<String> audiences() {
        return audiences;
    }
}
