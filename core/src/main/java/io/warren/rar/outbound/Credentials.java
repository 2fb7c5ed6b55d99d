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

    /** @return the container's credential for this factory in the subject, or {@link #CONFIGURED} where it has none with a user */
    static Credentials from(Subject subject, ManagedConnectionFactory factory) {
        if (subject == null) {
            return CONFIGURED;
        }
        for (PasswordCredential credential : subject.getPrivateCredentials(PasswordCredential.class)) {
            boolean forThisFactory = credential.getManagedConnectionFactory() == null
                    || factory.equals(credential.getManagedConnectionFactory());
            // Payara signs on with a blank user when the factory's definition names none: that means "no sign-on"
            boolean blank = credential.getUserName() == null || credential.getUserName().isBlank();
            if (forThisFactory && !blank) {
                return new Credentials(credential.getUserName(), credential.getPassword());
            }
        }
        return CONFIGURED;
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
