package org.nntune.tune.trial;

import java.io.UncheckedIOException;

/**
 * A failed trial's reason from the exception that failed it, in the words users read (the CLI's
 * "trial 3 failed: …", the trials table, the dashboard): the exception's message, without Java class
 * names. The simple class name is kept only where the message alone would be unclear: no message
 * (a bare {@code NullPointerException}), an {@link Error} ({@code OutOfMemoryError: Java heap space}),
 * or a JDK exception other than {@link IllegalArgumentException} and {@link IllegalStateException},
 * whose messages assume their type is known ({@code ArithmeticException: / by zero},
 * {@code NoSuchFileException: data.csv}). The exception itself, with its stack trace, stays with
 * whoever logs or rethrows it.
 */
public final class FailureReason {
    private FailureReason() {}

    /** @return the reason {@code e} gives, in the words of the class comment */
    public static String of(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return of(u.getCause()); // its message is the cause's toString(), a class name first
        }
        String message = e.getMessage();
        Class<?> named = e.getClass();
        while (named.getSimpleName().isEmpty()) { // an anonymous class: the class it extends
            named = named.getSuperclass();
        }
        String type = named.getSimpleName();
        if (message == null || message.isBlank()) {
            return type;
        }
        boolean plainJdk = e.getClass() == IllegalArgumentException.class || e.getClass() == IllegalStateException.class;
        if (e instanceof Error || e.getClass().getName().startsWith("java.") && !plainJdk) {
            return type + ": " + message;
        }
        return message;
    }
}
