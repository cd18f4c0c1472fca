package org.nntune.dashboard;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helper: the report's inline SVG images, each parsed with the JDK's XML parser. */
final class SvgParse {
    private SvgParse() {}

    /** @return every {@code <svg>…</svg>} of the page, parsed (fails the test if one is not well-formed) */
    static List<Element> all(String html) {
        List<Element> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int i = html.indexOf("<svg", from);
            if (i < 0) {
                return out;
            }
            int j = html.indexOf("</svg>", i);
            if (j < 0) {
                throw new AssertionError("unclosed <svg> at " + i);
            }
            out.add(parse(html.substring(i, j + 6)));
            from = j + 6;
        }
    }

    /** @return the images whose class list holds {@code cls} */
    static List<Element> withClass(String html, String cls) {
        List<Element> out = new ArrayList<>();
        for (Element e : all(html)) {
            if (hasClass(e, cls)) {
                out.add(e);
            }
        }
        return out;
    }

    static Element parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            Document d = b.parse(new InputSource(new StringReader(xml)));
            return d.getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("not well-formed SVG: " + e.getMessage() + "\n"
                    + xml.substring(0, Math.min(400, xml.length())), e);
        }
    }

    static boolean hasClass(Element e, String cls) {
        return Arrays.asList(e.getAttribute("class").split("\\s+")).contains(cls);
    }

    /** @return the descendants {@code <tag>} of {@code root} whose class list holds {@code cls} */
    static List<Element> marks(Element root, String tag, String cls) {
        NodeList nl = root.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            Element e = (Element) nl.item(i);
            if (hasClass(e, cls)) {
                out.add(e);
            }
        }
        return out;
    }

    /** @return the {@code points} of a polyline as {@code {x, y}} pairs */
    static List<double[]> points(Element polyline) {
        List<double[]> out = new ArrayList<>();
        String p = polyline.getAttribute("points").trim();
        if (p.isEmpty()) {
            return out;
        }
        for (String xy : p.split(" ")) {
            String[] parts = xy.split(",");
            out.add(new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])});
        }
        return out;
    }

    /** @return the data-trial numbers of the elements */
    static List<Integer> trialNumbers(List<Element> elements) {
        List<Integer> out = new ArrayList<>();
        for (Element e : elements) {
            out.add(Integer.parseInt(e.getAttribute("data-trial")));
        }
        return out;
    }
}
