package org.nntune.dashboard.web;

import org.nntune.tune.storage.Storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the storage failing from the dashboard failing. The {@link Storage} contract throws
 * {@link IllegalArgumentException} for unknown ids and bad arguments and {@link IllegalStateException}
 * for misuse, which the API answers as the request's fault (400, 404, 409); any other exception of a
 * storage call is the storage itself failing (a database out of reach, a lost connection, a statement
 * the database refused), whatever class its implementation uses. {@link #guard} turns those into
 * {@link Unavailable}, which the server answers with 503 and the storage's own message, never as an
 * internal error with a class name.
 */
final class StorageFailures {
    private StorageFailures() {}

    /** A storage call failed for a reason of the storage's own; the message is the storage's (URL, what failed). */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The threads inside a call of a guarded storage (waiting for the database, or reading its answer). */
    private static final Set<Thread> CALLING = ConcurrentHashMap.newKeySet();

    /**
     * Whether {@code thread} is inside a call of a storage {@link #guard} returned: a request that is slow there waits
     * for the database; one slow elsewhere draws the plots of a large study.
     */
    static boolean inStorageCall(Thread thread) {
        return CALLING.contains(thread);
    }

    /** @return {@code storage} whose calls throw {@link Unavailable} where the storage failed, all else as it does */
    static Storage guard(Storage storage) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    Thread self = Thread.currentThread();
                    boolean outer = CALLING.add(self);
                    try {
                        return method.invoke(storage, args);
                    } catch (InvocationTargetException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                                || !(cause instanceof RuntimeException)) {
                            throw cause; // the request's fault, an Error, or close()'s checked exception: as it is
                        }
                        String message = cause.getMessage();
                        throw new Unavailable(message == null || message.isBlank()
                                ? "the storage failed in " + method.getName() + " without saying why" : message, cause);
                    } finally {
                        if (outer) {
                            CALLING.remove(self);
                        }
                    }
                });
    }
}
