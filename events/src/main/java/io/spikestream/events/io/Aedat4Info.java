package io.spikestream.events.io;

import io.spikestream.events.SensorGeometry;
import java.io.StringReader;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The XML stream description of an AEDAT 4.0 IOHeader: {@code <node name="outInfo">} holds one
 * node per stream id, with {@code typeIdentifier} (EVTS, FRME, IMUS, TRIG, …) and an {@code info}
 * node with {@code sizeX}/{@code sizeY}. Parsed with external entities and DTDs disabled.
 */
final class Aedat4Info {
    record Stream(String type, SensorGeometry geometry) {
    }

    private Aedat4Info() {
    }

    static Map<Integer, Stream> parse(String xml, FileInput in, long offset) {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            f.setXIncludeAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            doc = b.parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw in.error(offset, "unreadable XML stream description: " + e.getMessage());
        }
        Element outInfo = null;
        NodeList nodes = doc.getElementsByTagName("node");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if ("outInfo".equals(e.getAttribute("name"))) {
                outInfo = e;
                break;
            }
        }
        if (outInfo == null) {
            throw in.error(offset, "XML stream description lacks the outInfo node");
        }
        Map<Integer, Stream> streams = new TreeMap<>();
        for (Node c = outInfo.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (!(c instanceof Element e) || !"node".equals(e.getTagName())) {
                continue;
            }
            int id;
            try {
                id = Integer.parseInt(e.getAttribute("name"));
            } catch (NumberFormatException ex) {
                continue;
            }
            String type = attr(e, "typeIdentifier");
            Element info = child(e, "info");
            SensorGeometry g = null;
            if (info != null) {
                Integer w = intAttr(info, "sizeX");
                Integer h = intAttr(info, "sizeY");
                if (w != null && h != null && w >= 1 && h >= 1 && w <= SensorGeometry.MAX_SIDE && h <= SensorGeometry.MAX_SIDE) {
                    g = new SensorGeometry(w, h);
                }
            }
            streams.put(id, new Stream(type == null ? "" : type.trim(), g));
        }
        return streams;
    }

    private static Element child(Element e, String nodeName) {
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element ce && "node".equals(ce.getTagName()) && nodeName.equals(ce.getAttribute("name"))) {
                return ce;
            }
        }
        return null;
    }

    private static String attr(Element e, String key) {
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element ce && "attr".equals(ce.getTagName()) && key.equals(ce.getAttribute("key"))) {
                return ce.getTextContent();
            }
        }
        return null;
    }

    private static Integer intAttr(Element e, String key) {
        String v = attr(e, key);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException ex) {
            return null;
        }
    }
}
