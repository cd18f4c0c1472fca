package org.nntune.dashboard.web;

import org.nntune.tune.storage.Storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Test storage: another storage's calls, except while {@link #down} is set, when every call fails at once
 * with {@link #MESSAGE}, as a JDBC storage fails when its database is out of reach (with an exception class
 * of its own, which the dashboard's module does not know).
 */
final class SwitchedStorage {
    static final String MESSAGE = "storage 'postgresql://db/x': no connection to the database within 65 s (Connection refused)";

    /** An exception class of the storage's own: neither IllegalArgumentException nor IllegalStateException. */
    static final class DatabaseGone extends RuntimeException {
        DatabaseGone(String message) {
            super(message);
        }
    }

    volatile boolean down;
    final Storage storage;

    SwitchedStorage(Storage inner) {
        storage = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    if (down && !method.getName().equals("close")) {
                        throw new DatabaseGone(MESSAGE);
                    }
                    try {
                        return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
