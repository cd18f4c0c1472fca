package org.nntune.tune;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dependencies between the packages of a folder of compiled classes, read from each class file's
 * constant pool: the classes it names and the types in its field, method and generic signatures and
 * annotations (what {@code jdeps} counts), not the text of its string constants. Test code only.
 */
public final class PackageGraph {
    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L([\\w/$]+)[;<]");

    /** package → package it depends on → one class-level dependency as an example ("a.B -> c.D") */
    private final Map<String, Map<String, String>> edges = new TreeMap<>();

    private PackageGraph() {}

    /** Reads every class under {@code classes} whose package starts with {@code prefix} (e.g. {@code org.nntune.tune}). */
    public static PackageGraph read(Path classes, String prefix) throws IOException {
        PackageGraph g = new PackageGraph();
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes)) {
            files = s.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().equals("module-info.class"))
                    .sorted().toList();
        }
        for (Path f : files) {
            String from = classes.relativize(f).toString().replace('\\', '/');
            from = from.substring(0, from.length() - ".class".length()).replace('/', '.');
            if (!packageOf(from).startsWith(prefix)) {
                continue;
            }
            for (String to : referencedClasses(Files.readAllBytes(f))) {
                String toPkg = packageOf(to);
                if (toPkg.startsWith(prefix)) {
                    g.add(from, to);
                }
            }
        }
        return g;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** Records that class {@code from} uses class {@code to} (an edge between their packages unless they share one). */
    public void add(String from, String to) {
        String a = packageOf(from);
        String b = packageOf(to);
        if (!a.equals(b)) {
            edges.computeIfAbsent(a, k -> new TreeMap<>()).putIfAbsent(b, from + " -> " + to);
        }
        edges.computeIfAbsent(b, k -> new TreeMap<>());
    }

    /** @return the packages each package depends on */
    public Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> out = new TreeMap<>();
        edges.forEach((a, bs) -> out.put(a, new TreeSet<>(bs.keySet())));
        return out;
    }

    /**
     * @return every cycle: each set of two or more packages that reach one another (a strongly connected
     *     component), with one class-level dependency per package edge inside it, for the failure message
     */
    public List<String> cycles() {
        List<String> out = new ArrayList<>();
        for (Set<String> component : stronglyConnected()) {
            if (component.size() < 2) {
                continue;
            }
            StringBuilder sb = new StringBuilder(String.join(" ⇄ ", component)).append(':');
            for (String a : component) {
                edges.get(a).forEach((b, example) -> {
                    if (component.contains(b)) {
                        sb.append("\n    ").append(a).append(" -> ").append(b).append("   e.g. ").append(example);
                    }
                });
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** Tarjan's algorithm, iterative. */
    private List<Set<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (String root : edges.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>(); // {node, iterator over its successors}
            visit(root, index, low, stack, onStack);
            work.push(new Object[] {root, edges.get(root).keySet().iterator()});
            while (!work.isEmpty()) {
                Object[] top = work.peek();
                String v = (String) top[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<String> it = (java.util.Iterator<String>) top[1];
                if (it.hasNext()) {
                    String w = it.next();
                    if (!index.containsKey(w)) {
                        visit(w, index, low, stack, onStack);
                        work.push(new Object[] {w, edges.get(w).keySet().iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    Set<String> component = new TreeSet<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(v));
                    out.add(component);
                }
            }
        }
        return out;
    }

    private static void visit(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                              Set<String> onStack) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
    }

    /** @return the binary names (a.b.C, a.b.C$D) of the classes a class file refers to */
    static Set<String> referencedClasses(byte[] classFile) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file");
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classNames = new ArrayList<>();
            Set<Integer> stringOnly = new java.util.HashSet<>();
            Set<Integer> namedOtherwise = new java.util.HashSet<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();                      // Utf8 (modified UTF-8, u2 length first)
                    case 3, 4 -> in.readInt();                             // Integer, Float
                    case 5, 6 -> { in.readLong(); i++; }                   // Long, Double: two slots
                    case 7 -> classNames.add(in.readUnsignedShort());      // Class
                    case 8 -> stringOnly.add(in.readUnsignedShort());      // String: its text is not a dependency
                    case 9, 10, 11, 12, 17, 18 -> in.readInt();           // member refs, NameAndType, (Invoke)Dynamic
                    case 15 -> { in.readUnsignedByte(); in.readUnsignedShort(); } // MethodHandle
                    case 16, 19, 20 -> in.readUnsignedShort();             // MethodType, Module, Package
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + i);
                }
            }
            Set<String> out = new TreeSet<>();
            for (int idx : classNames) {
                namedOtherwise.add(idx);
                String name = utf8[idx];
                if (name.startsWith("[")) {
                    addTypes(name, out);
                } else {
                    out.add(name.replace('/', '.'));
                }
            }
            for (int i = 1; i < count; i++) {
                if (utf8[i] != null && !namedOtherwise.contains(i) && !stringOnly.contains(i)) {
                    addTypes(utf8[i], out); // descriptors, generic signatures, annotation types
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addTypes(String descriptor, Set<String> out) {
        Matcher m = TYPE_IN_DESCRIPTOR.matcher(descriptor);
        while (m.find()) {
            out.add(m.group(1).replace('/', '.'));
        }
    }
}
