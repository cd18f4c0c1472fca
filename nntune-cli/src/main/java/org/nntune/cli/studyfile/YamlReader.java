package org.nntune.cli.studyfile;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads YAML into {@link YNode}s with positions; a syntax error becomes a {@link StudyFileException} with its line. */
public final class YamlReader {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlReader() {}

    public static YNode read(String fileName, String text) {
        try (Reader reader = new StringReader(text); JsonParser p = FACTORY.createParser(reader)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new StudyFileException(new YNode.Where(fileName, 1, 1), null, "the file is empty",
                        "a study file is a YAML mapping; see examples/iris.yaml");
            }
            YNode root = node(fileName, p, text.split("\\R", -1));
            if (p.nextToken() != null) {
                throw new StudyFileException(where(fileName, p.currentTokenLocation()), null,
                        "more than one YAML document", "one document per study file");
            }
            return root;
        } catch (StudyFileException e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String msg = e.getOriginalMessage();
            YNode.Where at = problemMark(fileName, msg).orElse(loc == null ? new YNode.Where(fileName, 1, 1) : where(fileName, loc));
            throw new StudyFileException(at, null,
                    "YAML syntax error: " + yamlProblem(msg),
                    "check indentation (spaces, not tabs), colons after keys, and matching brackets and quotes");
        } catch (IOException e) {
            throw new StudyFileException(new YNode.Where(fileName, 1, 1), null, "cannot read: " + e.getMessage(), null);
        }
    }

    /** Whether the scalar at {@code at} starts with a quote in the source (the parser keeps no trace of its style). */
    private static boolean quoted(String[] lines, YNode.Where at) {
        if (at.line() < 1 || at.line() > lines.length) {
            return false;
        }
        String line = lines[at.line() - 1];
        int c = at.column() - 1;
        return c >= 0 && c < line.length() && (line.charAt(c) == '"' || line.charAt(c) == '\'');
    }

    /**
     * SnakeYAML's message without its position lines and code excerpts: "while parsing a flow
     * sequence; expected ',' or ']', but got <stream end>".
     */
    static String yamlProblem(String msg) {
        StringBuilder sb = new StringBuilder();
        for (String line : msg.split("\\R")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("in '") || t.startsWith("^") || line.startsWith("    ")) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : "; ").append(t.replaceAll(",? *in 'reader', line \\d+, column \\d+:?", ""));
        }
        return sb.toString().trim();
    }

    /**
     * Where SnakeYAML found the problem: the last "line N, column M" of its message (the problem's
     * mark). The exception's own location is the mark of what it was scanning when it got there
     * (for a tab that starts a line, the end of the line before).
     */
    static java.util.Optional<YNode.Where> problemMark(String file, String msg) {
        if (msg == null) {
            return java.util.Optional.empty();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+), column (\\d+)").matcher(msg);
        YNode.Where last = null;
        while (m.find()) {
            last = new YNode.Where(file, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        return java.util.Optional.ofNullable(last);
    }

    private static YNode.Where where(String file, JsonLocation loc) {
        return new YNode.Where(file, Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr()));
    }

    private static YNode node(String file, JsonParser p, String[] lines) throws IOException {
        JsonToken t = p.currentToken();
        YNode.Where at = where(file, p.currentTokenLocation());
        switch (t) {
            case START_OBJECT -> {
                Map<String, YNode.YMap.Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    YNode.Where keyAt = where(file, p.currentTokenLocation());
                    if (entries.containsKey(key)) {
                        throw new StudyFileException(keyAt, key, "key '" + key + "' is given twice (first at line "
                                + entries.get(key).keyWhere().line() + ")", "give each key once");
                    }
                    p.nextToken();
                    entries.put(key, new YNode.YMap.Entry(key, keyAt, node(file, p, lines)));
                }
                return new YNode.YMap(entries, at);
            }
            case START_ARRAY -> {
                List<YNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(file, p, lines));
                }
                return new YNode.YList(items, at);
            }
            default -> {
                YNode.YScalar.Type type = switch (t) {
                    case VALUE_NULL -> YNode.YScalar.Type.NULL;
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> YNode.YScalar.Type.NUMBER;
                    case VALUE_TRUE, VALUE_FALSE -> YNode.YScalar.Type.BOOLEAN;
                    default -> YNode.YScalar.Type.STRING;
                };
                return new YNode.YScalar(type == YNode.YScalar.Type.NULL ? "" : p.getText(), type, at,
                        type == YNode.YScalar.Type.STRING && quoted(lines, at));
            }
        }
    }
}
