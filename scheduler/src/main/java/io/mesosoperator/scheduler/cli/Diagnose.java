package io.mesosoperator.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import picocli.CommandLine.Command;

/** `diagnose KIND NAME`: the anomalies of a resource now, with their evidence and likely causes. */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Show what the operator finds wrong with a resource now: each watched series that deviates from"
                + " its baseline (series, labels, baseline, value, since when) and the changes correlated with it,"
                + " most likely cause first (restarts and failures, rolls and spec generations, agent loss,"
                + " reschedules, other anomalies), then the resource's recent anomaly events."})
public final class Diagnose extends ClientCommands.ResourceCommand {
    @Override
    int execute(ApiClient api) {
        ApiClient.Reply reply = api.get(path() + "/diagnosis");
        if (!reply.ok()) {
            return fail("", reply);
        }
        JsonNode d = reply.body();
        String resource = kind.toLowerCase(Locale.ROOT) + "/" + name;
        JsonNode anomalous = d.path("anomalous");
        out.println(resource + ": " + (anomalous.isObject()
                ? "Anomalous=" + anomalous.path("status").asText() + " (" + anomalous.path("reason").asText() + ", since "
                        + ClientCommands.age(anomalous.path("lastTransitionTime").asText(null)) + ")"
                : "no anomaly was ever flagged"));
        if (d.has("note")) {
            out.println("  note: " + d.path("note").asText());
        }
        if (d.has("servedBy")) {
            out.println("  (the live findings of the leading operator at " + d.path("servedBy").asText() + ")");
        }
        JsonNode series = d.path("series");
        if (series.isArray()) {
            long learning = 0;
            long seasonal = 0;
            for (JsonNode s : series) {
                learning += s.path("warmedUp").asBoolean() ? 0 : 1;
                seasonal += s.path("seasonal").asBoolean() ? 1 : 0;
            }
            out.println("Watching " + series.size() + " series of it" + (learning > 0 ? " (" + learning
                    + " still learning its baseline)" : "") + (seasonal > 0 ? "; " + seasonal
                    + " judged against their time of day (a daily pattern)" : ""));
        }
        JsonNode findings = d.path("findings");
        if (findings.isEmpty()) {
            out.println("No watched series deviates from its baseline now"
                    + (d.has("watched") ? " (watched: " + String.join(", ", names(d.path("watched"))) + ")" : "") + ".");
        } else {
            out.println(findings.size() + " series deviate" + (findings.size() == 1 ? "s" : "") + " from their baseline:");
        }
        for (JsonNode f : findings) {
            out.println();
            out.println("  " + f.path("selector").asText());
            out.println("    " + f.path("direction").asText().toLowerCase(Locale.ROOT) + " its baseline " + number(f.path("baseline"))
                    + " since " + f.path("since").asText() + " (" + ClientCommands.age(f.path("since").asText(null)) + " ago):"
                    + " now " + number(f.path("value")) + String.format(Locale.ROOT, ", %.1f robust sd, %d points",
                    Math.abs(f.path("score").asDouble()), f.path("points").asInt()));
            if (f.path("correlated").isEmpty()) {
                out.println("    no correlated change found");
                continue;
            }
            out.println("    correlated changes, most likely cause first:");
            Table changes = new Table("CATEGORY", "RESOURCE", "AT", "REASON", "WHAT");
            f.path("correlated").forEach(c -> changes.row(c.path("category").asText().toLowerCase(Locale.ROOT).replace('_', ' '),
                    c.path("resource").asText(), c.path("time").asText(), c.path("reason").asText(), c.path("what").asText()));
            changes.print(out, "      ");
        }
        out.println();
        out.println("Anomaly events:");
        Table events = new Table("AGE", "TYPE", "REASON", "MESSAGE");
        d.path("events").forEach(e -> events.row(ClientCommands.age(e.path("time").asText(null)), e.path("type").asText(),
                e.path("reason").asText(), e.path("message").asText()));
        events.print(out, "  ");
        return 0;
    }

    private static java.util.List<String> names(JsonNode array) {
        java.util.List<String> names = new java.util.ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static String number(JsonNode n) {
        double v = n.asDouble();
        return v == Math.rint(v) || Math.abs(v) >= 1000 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.4g", v);
    }
}
