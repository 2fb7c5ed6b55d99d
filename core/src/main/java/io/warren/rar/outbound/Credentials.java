package io.warren.rar.outbound;

import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.security.PasswordCredential;

import javax.security.auth.Subject;
import java.util.Arrays;
import java.util.Objects;

/**
 * A user and password the container signed on with, in place of the configured ones.
 * {@link #CONFIGURED} means "use the factory's own".
 */
record Credentials(String user, char[] password) {

    static final Credentials CONFIGURED = new Credentials(null, null);

    /**
     * Finds the container's credential for a factory in a subject, on every {@code matchManagedConnections}
     * and {@code createManagedConnection}, so on every pool checkout: it remembers the last credential
     * it resolved, by identity and content, and answers again without copying or allocating while the
     * subject holds that credential unchanged. A rotated password (a new credential, or the same one
     * with other characters) is resolved anew, so that it reaches the next connection.
     */
    static final class Resolver {

        private record Resolved(PasswordCredential source, Credentials credentials) {
            boolean stillFor(PasswordCredential credential) {
                return source == credential && credentials.user.equals(credential.getUserName())
                        && Arrays.equals(credentials.password, credential.getPassword());
            }
        }

        private final ManagedConnectionFactory factory;
        private volatile Resolved last;

        Resolver(ManagedConnectionFactory factory) {
            this.factory = factory;
        }

        /** @return the container's credential for this factory in the subject, or {@link #CONFIGURED} where it has none with a user */
        Credentials from(Subject subject) {
            if (subject == null) {
                return CONFIGURED;
            }
            // the whole set rather than getPrivateCredentials(Class), which copies the matching ones into a new set
            for (Object each : subject.getPrivateCredentials()) {
                if (each instanceof PasswordCredential credential && forThisFactory(credential)) {
                    Resolved seen = last;
                    if (seen != null && seen.stillFor(credential)) {
                        return seen.credentials;
                    }
                    char[] password = credential.getPassword();
                    // a copy: getPassword() hands out the credential's own array, which its owner may clear
                    Credentials resolved = new Credentials(credential.getUserName(),
                            password == null ? null : password.clone());
                    last = new Resolved(credential, resolved);
                    return resolved;
                }
            }
            return CONFIGURED;
        }

        private boolean forThisFactory(PasswordCredential credential) {
            ManagedConnectionFactory target = credential.getManagedConnectionFactory();
            // Payara signs on with a blank user when the factory's definition names none: that means "no sign-on"
            return (target == null || target == factory || factory.equals(target))
                    && credential.getUserName() != null && !credential.getUserName().isBlank();
        }
    }

    String passwordText() {
        return password == null ? null : new String(password);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Credentials that && Objects.equals(user, that.user)
                && Arrays.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, Arrays.hashCode(password));
    }

    @Override
    public String toString() {
        return user == null ? "Credentials[configured]" : "Credentials[user=" + user + ", password=****]";
    }
}
