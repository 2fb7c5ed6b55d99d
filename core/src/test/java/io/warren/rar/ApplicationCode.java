package io.warren.rar;

import java.util.function.Consumer;

/**
 * Code of an application, for a class loader that stands for one to define as its own: what it
 * runs has the application's frame on its stack, as an EJB's call into Warren has.
 */
public final class ApplicationCode implements Consumer<Runnable> {

    @Override
    public void accept(Runnable work) {
        work.run();
    }
}
