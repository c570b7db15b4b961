package io.mesosoperator.scheduler.spec;

/** Identifies a resource: its kind and its name ("Service/hello"). */
public record ResourceKey(String kind, String name) implements Comparable<ResourceKey> {
    public static ResourceKey parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("expected KIND/NAME, got '" + text + "'");
        }
        return new ResourceKey(text.substring(0, slash), text.substring(slash + 1));
    }

    @Override
    public String toString() {
        return kind + "/" + name;
    }

    @Override
    public int compareTo(ResourceKey o) {
        return toString().compareTo(o.toString());
    }
}
