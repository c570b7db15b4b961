package io.mesosoperator.scheduler.mesos;

import java.io.IOException;
import java.util.List;

/**
 * The agents' resource monitoring ({@code GET /monitor/statistics} on a Mesos agent): what each
 * executor container on one agent uses. The HTTP adapter is at the edge; the collector that uses
 * it only knows this port.
 */
public interface AgentStatistics {
    /**
     * Every executor container the agent reports.
     *
     * @param agentUrl the agent's HTTP address, as a task record keeps it ({@code http://host:port})
     * @throws IOException when the agent cannot be reached or answers something else than the statistics
     */
    List<ExecutorUsage> statistics(String agentUrl) throws IOException;

    /**
     * One executor container's use, as a Mesos agent reports it.
     *
     * @param userSeconds   {@code cpus_user_time_secs}, CPU time in user mode since the container started
     * @param systemSeconds {@code cpus_system_time_secs}
     * @param rssBytes      {@code mem_rss_bytes}, resident memory now
     * @param limitBytes    {@code mem_limit_bytes}; 0 when the agent does not say
     * @param timestamp     when the agent measured, in seconds since the epoch
     */
    record ExecutorUsage(String frameworkId, String executorId, double userSeconds, double systemSeconds,
                         long rssBytes, long limitBytes, double timestamp) {
        /** User and system CPU time together. */
        public double cpuSeconds() {
            return userSeconds + systemSeconds;
        }
    }
}
