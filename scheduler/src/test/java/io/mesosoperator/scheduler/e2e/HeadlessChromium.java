package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for the dashboard's tests: Debian's headless Chromium driven through its
 * chromedriver (both found on the PATH; nothing is downloaded), with screenshots saved under
 * target/dashboard-screenshots/.
 */
final class HeadlessChromium implements AutoCloseable {
    static final String MISSING = "no chromium and chromedriver on this machine (Debian: apt-get install chromium"
            + " chromium-driver, as .ci/run does): the dashboard's browser tests are skipped";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Dimension DESKTOP = new Dimension(1280, 1000);
    static final Dimension PHONE = new Dimension(390, 844);
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome");
    private static final List<String> DRIVERS = List.of("chromedriver");

    final WebDriver driver;

    static boolean installed() {
        return onPath(BROWSERS).isPresent() && onPath(DRIVERS).isPresent();
    }

    private static Optional<Path> onPath(List<String> names) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .flatMap(dir -> names.stream().map(n -> Path.of(dir, n))).filter(Files::isExecutable).findFirst();
    }

    HeadlessChromium() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(onPath(BROWSERS).orElseThrow().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(onPath(DRIVERS).orElseThrow().toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    /** Waits, within {@link #WAIT}, until the element exists and its text contains {@code text}. */
    void awaitText(By element, String text) {
        await("the page shows '" + text + "' in " + element).atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(driver.findElement(element).getText()).contains(text));
    }

    void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A screenshot as a phone would show the page now. */
    void phoneScreenshot(String name) throws IOException {
        driver.manage().window().setSize(PHONE);
        screenshot(name);
        driver.manage().window().setSize(DESKTOP);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
