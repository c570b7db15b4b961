package io.mesosoperator.spark;

/**
 * One executor of the run as the operator reports it ({@code GET .../executors}); ended executors
 * stay listed, so the driver learns how each one ended.
 *
 * @param id        Spark's executor id, given by the operator (1, 2, ... within the run, never reused)
 * @param profileId the Spark resource profile it was launched for
 * @param state     null for a state this plugin does not know (a newer operator): ignored
 * @param host      the agent it was placed on (null while pending)
 * @param taskId    its Mesos task (null while pending)
 * @param exitCode  the process's exit code once ended, when known
 * @param message   why it is pending or how it ended, in words
 */
public record ExecutorReport(String id, int profileId, State state, String host, String taskId, Integer exitCode,
                             String message) {

    public enum State {
        /** waiting for an offer that fits (the message says what is missing) */
        PENDING,
        /** launched, the process not yet running */
        STARTING,
        RUNNING,
        /** ended on its own with exit code 0 (normal after the driver told it to stop) */
        FINISHED,
        /** ended on its own with a non-zero exit code (killed by a signal included) */
        FAILED,
        /** killed by the operator: on the driver's request, or for the run's end */
        KILLED,
        /** gone with its agent, or unreachable */
        LOST;

        boolean ended() {
            return this == FINISHED || this == FAILED || this == KILLED || this == LOST;
        }
    }
}
