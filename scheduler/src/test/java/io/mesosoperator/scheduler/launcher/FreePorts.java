package io.mesosoperator.scheduler.launcher;

import java.io.IOException;
import java.net.ServerSocket;

/** Free loopback ports for the tests that start the launcher's processes. */
final class FreePorts {
    private FreePorts() {}

    static int one() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The first of {@code size} consecutive free ports (a master and its agents on the next ones). */
    static int block(int size) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = one();
            boolean free = true;
            for (int i = 1; i < size && free; i++) {
                try (ServerSocket s = new ServerSocket(first + i)) {
                    free = true;
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no block of " + size + " free ports found");
    }
}
