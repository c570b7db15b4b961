package io.mesosoperator.scheduler.cli;

import static io.mesosoperator.scheduler.cli.StandInApi.reply;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.mesosoperator.scheduler.cli.StandInApi.Run;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the CLI shows of a SparkJob with executors, against a stand-in of the API: `describe` lists
 * the executors of the current run with the application id and the Spark UI; `logs --executor ID`
 * reads that executor's task's stdout or stderr (the instance its status names).
 */
class SparkJobCliTest {
    static final String JOB = """
            {"apiVersion":"mesos-operator.io/v1","kind":"SparkJob","metadata":{"name":"wc","generation":1},
             "spec":{"mainApplicationFile":"file:///apps/wc.jar","executor":{"instances":2}},
             "status":{"phase":"Running","observedGeneration":1,"workload":{
               "runs":[{"run":0,"state":"Running","attempts":1,"applicationId":"spark-application-17"}],
               "applicationId":"spark-application-17","sparkUi":"http://10.0.0.5:4040",
               "executors":[
                 {"id":"1","instance":100000001,"task":"wc-exec-100000001.a1","agent":"agent-2","agentId":"S2",
                  "state":"RUNNING","cores":1,"memory":"512m"},
                 {"id":"2","instance":100000002,"state":"PENDING","cores":1,"memory":"512m",
                  "message":"no agent has 1 cpus and 896 MiB mem free"}]}}}
            """;

    HttpServer api;
    final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/v1/resources/sparkjob/wc", exchange -> {
            requests.add(exchange.getRequestURI().toString());
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/events")) {
                reply(exchange, 200, "{\"items\":[]}");
            } else if (path.endsWith("/logs")) {
                String query = exchange.getRequestURI().getQuery();
                reply(exchange, 200, query.contains("offset=-1")
                        ? "{\"offset\":12,\"data\":\"\",\"taskId\":\"wc-exec-100000001.a1\",\"taskState\":\"TASK_RUNNING\"}"
                        : "{\"offset\":0,\"data\":\"" + (query.contains("file=stderr") ? "to stderr\\n" : "to stdout\\n")
                        + "\",\"taskId\":\"wc-exec-100000001.a1\",\"taskState\":\"TASK_RUNNING\"}");
            } else {
                reply(exchange, 200, JOB);
            }
        });
        api.createContext("/v1/tasks", exchange -> reply(exchange, 200, "{\"items\":[]}"));
        api.start();
    }

    @AfterEach
    void stopApi() {
        api.stop(0);
    }

    @Test
    void describeShowsTheExecutorsTheApplicationAndTheSparkUi() {
        Run describe = StandInApi.run(api, new ClientCommands.Describe(), "sparkjob", "wc");

        assertThat(describe.code()).as(describe.err()).isZero();
        assertThat(describe.out()).contains("Application:  spark-application-17\n")
                .contains("Spark UI:     http://10.0.0.5:4040\n")
                .contains("Executors:\n");
        List<String> lines = describe.out().lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("  ID ")).findFirst().orElseThrow());
        assertThat(lines.get(header)).matches("  ID +STATE +AGENT +CORES +MEMORY +TASK +MESSAGE");
        assertThat(lines.get(header + 1)).matches("  1 +RUNNING +agent-2 +1 +512m +wc-exec-100000001\\.a1");
        assertThat(lines.get(header + 2)).matches("  2 +PENDING +- +1 +512m +- +no agent has 1 cpus and 896 MiB mem free");
    }

    @Test
    void logsOfAnExecutorReadItsTasksStdoutOrStderr() {
        Run stdout = StandInApi.run(api, new ClientCommands.Logs(), "sparkjob", "wc", "--executor", "1");
        assertThat(stdout.code()).as(stdout.err()).isZero();
        assertThat(stdout.out()).isEqualTo("to stdout\n");
        assertThat(requests).contains("/v1/resources/sparkjob/wc/logs?instance=100000001&file=stdout&offset=0");

        Run stderr = StandInApi.run(api, new ClientCommands.Logs(), "sparkjob", "wc", "--executor", "1", "--stderr");
        assertThat(stderr.code()).as(stderr.err()).isZero();
        assertThat(stderr.out()).isEqualTo("to stderr\n");
        assertThat(requests).contains("/v1/resources/sparkjob/wc/logs?instance=100000001&file=stderr&offset=0");
    }

    @Test
    void logsOfAnExecutorWithoutATaskOrOfAnUnknownOneSayWhy() {
        Run pending = StandInApi.run(api, new ClientCommands.Logs(), "sparkjob", "wc", "--executor", "2");
        assertThat(pending.code()).isEqualTo(1);
        assertThat(pending.err()).isEqualTo("executor 2 has no task yet (PENDING: no agent has 1 cpus and 896 MiB mem free)\n");

        Run unknown = StandInApi.run(api, new ClientCommands.Logs(), "sparkjob", "wc", "--executor", "9");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("sparkjob/wc has no executor 9; its current run has 1, 2\n");
        assertThat(requests).noneMatch(r -> r.contains("/logs"));
    }
}
