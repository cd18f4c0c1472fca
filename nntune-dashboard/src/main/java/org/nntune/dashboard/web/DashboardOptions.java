package org.nntune.dashboard.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How the dashboard serves: the address and port to bind (port 0 picks a free one) and whether
 * the browser may change the storage (notes, enqueued trials, deleting a study). Binding to an
 * address other than the loopback makes the server ask for a token, printed at start.
 */
public record DashboardOptions(String host, int port, boolean allowWrites) {
    /** @throws IllegalArgumentException for a blank host or a port outside 0–65535 */
    public DashboardOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank (use 127.0.0.1 to serve only this machine)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535 (0 picks a free port), got " + port);
        }
    }

    /** 127.0.0.1, port 8080, read-only. */
    public static DashboardOptions defaults() {
        return new DashboardOptions("127.0.0.1", 8080, false);
    }

    /** @return these options on another port */
    public DashboardOptions withPort(int newPort) {
        return new DashboardOptions(host, newPort, allowWrites);
    }

    /** Whether the host is a loopback address, reachable from this machine only. */
    public boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "': " + e.getMessage(), e);
        }
    }
}
