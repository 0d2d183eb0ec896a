package io.surety.check.run;

/** How the check names what went wrong in one line. Stateless. */
final class Causes {

    private Causes() {
    }

    /** The innermost cause of {@code error}, as "Type: message". */
    static String root(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
