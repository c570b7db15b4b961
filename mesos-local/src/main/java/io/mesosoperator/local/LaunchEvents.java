package io.mesosoperator.local;

import java.util.List;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.executor.Protos.Event;

/** The LAUNCH and LAUNCH_GROUP events an agent gives an executor, with tasks as a master hands them over. */
final class LaunchEvents {
    private LaunchEvents() {}

    static Event launch(FrameworkInfo framework, TaskInfo task) {
        return Event.newBuilder().setType(Event.Type.LAUNCH)
                .setLaunch(Event.Launch.newBuilder().setTask(allocated(framework, task))).build();
    }

    /** LAUNCH_GROUP: the tasks reach their (one) executor together, in one event. */
    static Event launchGroup(FrameworkInfo framework, List<TaskInfo> group) {
        return Event.newBuilder().setType(Event.Type.LAUNCH_GROUP)
                .setLaunchGroup(Event.LaunchGroup.newBuilder().setTaskGroup(TaskGroupInfo.newBuilder()
                        .addAllTasks(group.stream().map(t -> allocated(framework, t)).toList()))).build();
    }

    /** The tasks of a LAUNCH or LAUNCH_GROUP event. */
    static List<TaskInfo> tasksOf(Event launch) {
        return launch.getType() == Event.Type.LAUNCH_GROUP ? launch.getLaunchGroup().getTaskGroup().getTasksList()
                : List.of(launch.getLaunch().getTask());
    }

    /**
     * A task as a master hands it over: its and its executor's resources allocated to the
     * framework's role, unreserved ones without a role (the format an agent with
     * RESERVATION_REFINEMENT gets).
     */
    private static TaskInfo allocated(FrameworkInfo framework, TaskInfo task) {
        String role = framework.getRolesCount() > 0 ? framework.getRoles(0) : framework.getRole();
        TaskInfo.Builder out = task.toBuilder().clearResources().addAllResources(allocated(task.getResourcesList(), role));
        if (task.hasExecutor()) {
            out.getExecutorBuilder().clearResources().addAllResources(allocated(task.getExecutor().getResourcesList(), role));
        }
        return out.build();
    }

    private static List<Resource> allocated(List<Resource> resources, String role) {
        return resources.stream().map(r -> {
            Resource.Builder b = r.toBuilder().setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
            if (!r.hasReservation() && r.getReservationsCount() == 0) {
                b.clearRole();
            }
            return b.build();
        }).toList();
    }
}
