package io.mesosoperator.scheduler.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** For CLI tests against a stand-in of the API on loopback: its JSON answers, and client commands run against it. */
final class StandInApi {
    private StandInApi() {}

    /** What a client command returned and printed. */
    record Run(int code, String out, String err) {}

    static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Runs a client command against {@code api} (as `--server`), capturing its exit code, stdout and stderr. */
    static Run run(HttpServer api, ClientCommands.ClientCommand command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] withServer = new String[args.length + 2];
        withServer[0] = "--server";
        withServer[1] = "http://127.0.0.1:" + api.getAddress().getPort();
        System.arraycopy(args, 0, withServer, 2, args.length);
        int code = new CommandLine(command).execute(withServer);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
