package io.mesosoperator.samples.fastdata;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.server.Route;

/** What both services share: configuration from the environment, JSON answers, binding the HTTP port. */
final class HttpService {

    static final ObjectMapper JSON = new ObjectMapper();

    private HttpService() {}

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("environment variable " + name + " is not set");
            System.exit(2);
        }
        return value;
    }

    static HttpResponse json(StatusCode status, Object body) {
        try {
            return HttpResponse.create().withStatus(status)
                    .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsString(body) + "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse error(StatusCode status, String message) {
        return json(status, Map.of("error", message));
    }

    /**
     * Serves {@code routes} on HTTP_HOST (default: MESOS_OPERATOR_HOST, the agent's hostname the operator
     * publishes in the instance's endpoints; else 127.0.0.1) and PORT_HTTP (the port Mesos gave the Service's
     * {@code http} port); exits 1 when the port cannot be bound, so the operator relaunches the instance.
     */
    static ActorSystem<Void> serve(String name, java.util.function.Function<ActorSystem<Void>, Route> routes) {
        String host = System.getenv().getOrDefault("HTTP_HOST",
                System.getenv().getOrDefault("MESOS_OPERATOR_HOST", "127.0.0.1"));
        int port = Integer.parseInt(env("PORT_HTTP"));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name);
        Http.get(system).newServerAt(host, port).bind(routes.apply(system)).whenComplete((binding, failure) -> {
            if (failure != null) {
                System.err.println(name + ": cannot listen on " + host + ":" + port + ": " + failure);
                System.exit(1);
            }
            System.out.println(name + ": listening on " + binding.localAddress());
        });
        return system;
    }
}
