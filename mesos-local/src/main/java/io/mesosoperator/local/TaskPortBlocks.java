package io.mesosoperator.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task port ranges local agents offer, leased machine-wide: the ports from 20000 up to the
 * OS's ephemeral range are cut into blocks, and an agent holds a file lock on its block's lock
 * file for as long as it runs, so two embedded clusters on one machine (two test JVMs, or `up`
 * beside a test run) never offer the same port. Below the ephemeral range, an outgoing connection
 * (a Kafka client, say) cannot hold a port an offer hands to a task; real agents' default ports
 * [31000-32000] sit below Linux's 32768 for the same reason. A lock dies with its process, so a
 * crashed cluster leaves nothing to clean up.
 */
final class TaskPortBlocks {
    private static final Logger LOG = LoggerFactory.getLogger(TaskPortBlocks.class);
    static final long BASE = 20_000;
    static final long BLOCK = 500;

    /** One agent's range, held until closed. */
    record Lease(long begin, long end, FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                if (lock != null) {
                    lock.release();
                }
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                LOG.debug("releasing task ports {}-{}", begin, end, e);
            }
        }
    }

    private TaskPortBlocks() {}

    /** Leases {@code count} free blocks, one per agent; when the machine has fewer left, the rest share unleased ones. */
    static List<Lease> lease(int count) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "mesos-local-task-ports");
        long blocks = Math.max(1, (ephemeralStart() - BASE) / BLOCK);
        List<Lease> leases = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (long b = 0; b < blocks && leases.size() < count; b++) {
                Lease lease = tryLease(dir.resolve("block-" + b + ".lock"), BASE + b * BLOCK);
                if (lease != null) {
                    leases.add(lease);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot lease task ports under {} ({}); agents' ports may clash with another local cluster", dir, e.toString());
        }
        for (long b = 0; leases.size() < count; b++) {
            long begin = BASE + (b % blocks) * BLOCK;
            LOG.warn("no free block of task ports left on this machine; an agent shares {}-{}", begin, begin + BLOCK - 1);
            leases.add(new Lease(begin, begin + BLOCK - 1, null, null));
        }
        return leases;
    }

    private static Lease tryLease(Path file, long begin) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new Lease(begin, begin + BLOCK - 1, channel, lock);
            }
        } catch (OverlappingFileLockException e) {
            // this JVM already holds it (another cluster in the same process)
        }
        channel.close();
        return null;
    }

    static long ephemeralStart() {
        try {
            // line by line: Files.readString on this procfs file returns a truncated string (size 0 reported)
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Math.max(BASE + BLOCK, Long.parseLong(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default
        }
    }
}
