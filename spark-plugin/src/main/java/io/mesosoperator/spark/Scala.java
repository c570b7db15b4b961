package io.mesosoperator.spark;

import java.util.function.Consumer;

/** The few Scala library calls the plugin needs, written once (the same in Scala 2.12 and 2.13). */
final class Scala {
    private Scala() {
    }

    static <T> void forEach(scala.collection.Iterable<T> items, Consumer<? super T> action) {
        scala.collection.Iterator<T> it = items.iterator();
        while (it.hasNext()) {
            action.accept(it.next());
        }
    }

    /** An answer Spark's allocation calls accept at once (doRequestTotalExecutors, doKillExecutors). */
    static scala.concurrent.Future<Object> accepted() {
        return scala.concurrent.Future$.MODULE$.successful(Boolean.TRUE);
    }
}
