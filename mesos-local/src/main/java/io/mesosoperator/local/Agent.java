package io.mesosoperator.local;

import com.google.protobuf.ByteString;
import java.util.List;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskInfo;

/**
 * What the master asks of an agent: a {@link LocalAgent} runs real executors in sandboxes; a
 * {@link SimulatedAgent} only plays task lifecycles, for benchmarks with thousands of agents.
 */
interface Agent {
    void launch(FrameworkInfo framework, TaskInfo task);

    void launchGroup(FrameworkInfo framework, ExecutorInfo executor, List<TaskInfo> group);

    void killTask(String frameworkId, String taskId);

    void acknowledge(String frameworkId, String taskId, ByteString uuid);

    void shutdownExecutor(String frameworkId, String executorId);

    void shutdownFramework(String frameworkId);

    void frameworkMessage(String frameworkId, String executorId, ByteString data);

    List<Attribute> attributes();

    /** How long the agent has not answered the master (0 when it answers). */
    long partitionedForNanos();

    /** The agent's total resources changed by an operation (reservations, volumes). */
    void checkpoint(Resources withReservations);

    void createVolume(String role, String persistenceId);

    void destroyVolume(String role, String persistenceId);
}
