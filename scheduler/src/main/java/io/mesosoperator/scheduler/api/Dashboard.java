package io.mesosoperator.scheduler.api;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.servlets.assets.AssetServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The web dashboard: static files (plain JavaScript modules and CSS, classpath {@code dashboard/})
 * served on the API's port at {@code /dashboard/}, with {@code /} sending the browser there. The
 * page is a client of the same REST API and event stream as the CLI, so it obeys the same token
 * rules; the files themselves hold nothing secret and are served to anyone, like a login page,
 * because a browser cannot send a bearer token with a page load.
 */
final class Dashboard {
    static final String PATH = "/dashboard/";

    private Dashboard() {}

    static void register(Environment env) {
        // "" is the servlet spec's exact match of the root, which wins over Jersey's "/*"
        env.servlets().addServlet("dashboard-root", new ToDashboard()).addMapping("", "/dashboard");
        env.servlets().addServlet("dashboard", new AssetServlet("/dashboard", PATH, "index.html", StandardCharsets.UTF_8))
                .addMapping(PATH + "*");
    }

    /** GET / and /dashboard: to /dashboard/, where the page's relative links resolve. */
    private static final class ToDashboard extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setHeader("Location", PATH);
            resp.setStatus(302);
        }
    }
}
