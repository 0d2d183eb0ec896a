package io.surety.harness;

/**
 * The child launched by {@link JvmProcessIT}. {@code serve}: prints its settings and "ready",
 * then blocks until killed. {@code exit <code>}: prints "boom" on stderr and exits with that code.
 */
public final class ChildMain {

    private ChildMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("greeting=" + System.getenv("SURETY_GREETING") + " prop=" + System.getProperty("surety.prop")
            + " cwd=" + System.getProperty("user.dir"));
        if (args[0].equals("exit")) {
            System.err.println("boom");
            System.exit(Integer.parseInt(args[1]));
        }
        System.out.println("ready");
        Thread.currentThread().join();
    }
}
