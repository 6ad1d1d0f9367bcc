package io.t4j.hub;

import io.t4j.hub.HubException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Checks every name that becomes part of a URL or a cache path, before any network or disk access, and quotes
 * URL segments as huggingface_hub does ({@code validate_repo_id}, {@code REGEX_COMMIT_HASH}, {@code quote}).
 */
final class HubNames {
    /** huggingface_hub's REPO_ID_REGEX: {@code name} or {@code namespace/name}, each starting and ending with \w. */
    private static final Pattern REPO_ID = Pattern.compile("(?:\\w(?:[\\w.-]*\\w)?/)?\\w(?:[\\w.-]*\\w)?");
    private static final Pattern COMMIT_HASH = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9_.-]+");

    private HubNames() {}

    static String checkRepoId(String repoId) {
        if (repoId == null || !REPO_ID.matcher(repoId).matches() || repoId.contains("--") || repoId.contains("..")
                || repoId.endsWith(".git") || repoId.length() > 96) {
            throw new HubException(Reason.INVALID_NAME, "Invalid repo id '" + repoId + "': a hub id is 'name' or"
                    + " 'namespace/name' (letters, digits, '-', '_', '.'; no '--' or '..'; at most 96 characters),"
                    + " not a path");
        }
        return repoId;
    }

    /** A branch, tag or commit; it becomes {@code refs/<revision>}, so it is checked like a relative path. */
    static String checkRevision(String revision) {
        if (revision == null || !isRelativePath(revision)) {
            throw new HubException(Reason.INVALID_NAME, "Invalid revision '" + revision + "': expected a branch,"
                    + " tag or commit (non-empty '/'-separated parts, no '.', '..' or backslashes)");
        }
        return revision;
    }

    /** A file in a repo: {@code /}-separated, relative, no {@code .}/{@code ..} segments, no backslashes. */
    static String checkFilename(String filename) {
        if (filename == null || !isRelativePath(filename)) {
            throw new HubException(Reason.INVALID_NAME, "Invalid file name '" + filename + "': expected a path"
                    + " inside the repo (non-empty '/'-separated parts, no '.', '..', leading '/' or backslashes)");
        }
        return filename;
    }

    private static boolean isRelativePath(String s) {
        if (s.isEmpty() || s.indexOf('\\') >= 0 || s.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        for (String part : s.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    static boolean isCommitHash(String revision) {
        return COMMIT_HASH.matcher(revision).matches();
    }

    static boolean isSha256(String etag) {
        return SHA256.matcher(etag).matches();
    }

    /** huggingface_hub's {@code _normalize_etag}: {@code etag.lstrip("W/").strip('"')}. */
    static String normalizeEtag(String etag) {
        return etag.replaceFirst("^[W/]+", "").replaceAll("^\"+|\"+$", "");
    }

    /** Values the server sends that become cache paths must be plain names. */
    static boolean isSafeEtag(String etag) {
        return ETAG.matcher(etag).matches() && !etag.equals(".") && !etag.equals("..");
    }

    /** {@code base/<filename>}, refusing anything that would land outside {@code base} (HF's _get_pointer_path). */
    static Path localPath(Path base, String filename) {
        Path path = base;
        for (String part : filename.split("/")) {
            path = path.resolve(part);
        }
        if (!path.normalize().startsWith(base.normalize()) || path.normalize().equals(base.normalize())) {
            throw new HubException(Reason.INVALID_NAME, "Invalid file name '" + filename + "': it resolves outside "
                    + base);
        }
        return path;
    }

    /** Python's {@code urllib.parse.quote(s, safe)}: UTF-8, percent-encoding all but {@code A-Za-z0-9_.-~} and safe. */
    static String quote(String s, String safe) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "_.-~".indexOf(c) >= 0
                    || safe.indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /**
     * An allow pattern as huggingface_hub's {@code filter_repo_objects} reads it: Python's {@code fnmatch} over the
     * whole path ({@code *} also matches {@code /}), and a pattern ending in {@code /} means everything below it.
     */
    static Pattern glob(String pattern) {
        String p = pattern.endsWith("/") ? pattern + "*" : pattern;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            int close = c == '[' ? setEnd(p, i + 1) : -1;
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (close > 0) {
                String set = p.substring(i + 1, close);
                boolean negate = set.startsWith("!");
                re.append(negate ? "[^" : "[").append(escape(negate ? set.substring(1) : set, "\\[]&^")).append(']');
                i = close;
            } else {
                re.append(escape(String.valueOf(c), null));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** The index of the {@code ]} closing a set that starts at {@code from}, or -1 (then {@code [} is literal). */
    private static int setEnd(String p, int from) {
        int j = from;
        if (j < p.length() && p.charAt(j) == '!') {
            j++;
        }
        if (j < p.length() && p.charAt(j) == ']') {
            j++;
        }
        return p.indexOf(']', j);
    }

    private static String escape(String s, String special) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            boolean plain = special == null ? Character.isLetterOrDigit(c) : special.indexOf(c) < 0;
            out.append(plain ? "" : "\\").append(c);
        }
        return out.toString();
    }
}
