package io.surety.broker.security;

import io.surety.broker.config.AuthorizerConfig;
import io.surety.broker.log.FsyncLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Authorization as the broker wires it, over a security store in a test's own directory. */
public final class AccessControlFixture {

    private AccessControlFixture() {
    }

    /** An authorizer configured as {@code config}, with the ACLs stored under {@code dataDir}. */
    public static AccessControl open(Path dataDir, AuthorizerConfig config) {
        AclAuthorizer authorizer = new AclAuthorizer(config);
        AclState acls = new AclState(Optional.of(authorizer));
        try {
            return new AccessControl(authorizer, acls, SecurityStore.open(dataDir, FsyncLedger.NONE, List.of(acls)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes what {@link #open} opened. */
    public static void close(AccessControl control) {
        try {
            control.store().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            control.authorizer().close();
        }
    }
}
