package io.t4j.pipelines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trie of the labels' token sequences, for constrained generation (HF's {@code prefix_allowed_tokens_fn}): after
 * a generated prefix, only tokens that continue some label are allowed, plus the end token where a label is
 * complete. Labels that are prefixes of one another ("very" and "very good") are both reachable: at the node of
 * "very" the end token and "good" are allowed, and the model chooses.
 */
final class LabelTrie {
    private final Node root = new Node();
    private final long endToken;

    private static final class Node {
        final Map<Long, Node> children = new LinkedHashMap<>();
        String label; // non-null where a label ends
    }

    LabelTrie(Map<String, long[]> labelTokens, long endToken) {
        this.endToken = endToken;
        for (var e : labelTokens.entrySet()) {
            if (e.getValue().length == 0) {
                throw new IllegalArgumentException("label '" + e.getKey() + "' tokenizes to no tokens");
            }
            Node n = root;
            for (long t : e.getValue()) {
                if (t == endToken) {
                    throw new IllegalArgumentException("label '" + e.getKey() + "' contains the end token " + endToken);
                }
                n = n.children.computeIfAbsent(t, k -> new Node());
            }
            if (n.label != null) {
                throw new IllegalArgumentException("labels '" + n.label + "' and '" + e.getKey()
                        + "' tokenize to the same tokens " + Arrays.toString(e.getValue()) + ": they cannot be told apart");
            }
            n.label = e.getKey();
        }
    }

    /** The tokens allowed after {@code generated}; null when {@code generated} leaves the trie (a finished row). */
    long[] allowed(long[] generated) {
        Node n = walk(generated);
        if (n == null) {
            return null;
        }
        List<Long> out = new ArrayList<>(n.children.keySet());
        if (n.label != null) {
            out.add(endToken);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The label {@code generated} spells (with or without the trailing end token), or null. */
    String labelOf(long[] generated) {
        int n = generated.length;
        while (n > 0 && generated[n - 1] == endToken) {
            n--;
        }
        Node node = walk(Arrays.copyOf(generated, n));
        return node == null ? null : node.label;
    }

    /** The longest label, in tokens. */
    int depth() {
        return depth(root);
    }

    private static int depth(Node n) {
        int d = 0;
        for (Node c : n.children.values()) {
            d = Math.max(d, 1 + depth(c));
        }
        return d;
    }

    private Node walk(long[] tokens) {
        Node n = root;
        for (long t : tokens) {
            n = n.children.get(t);
            if (n == null) {
                return null;
            }
        }
        return n;
    }
}
