// DOCX resumes: paragraphs, tables, text boxes, headers and footers in document order (libzip + pugixml).
#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <set>

#include "screening/documents/raw_extraction.h"
#include "screening/documents/zip_archive.h"
#include "util/error.h"

namespace hirelm::documents {
namespace {

bool is(const pugi::xml_node& node, const char* name) { return std::strcmp(node.name(), name) == 0; }

// An OOXML on/off property: present means on unless w:val says false/0/off.
bool property_on(const pugi::xml_node& prop) {
  if (!prop) return false;
  const std::string val = prop.attribute("w:val").as_string("true");
  return !(val == "false" || val == "0" || val == "off");
}

// Character styles (styles.xml) whose runs a reader cannot see.
std::set<std::string> hidden_styles(const pugi::xml_document& styles);

bool run_properties_hide(const pugi::xml_node& rpr, const std::set<std::string>& hidden_style_ids,
                         std::string* why) {
  if (!rpr) return false;
  if (property_on(rpr.child("w:vanish")) || property_on(rpr.child("w:specVanish")) ||
      property_on(rpr.child("w:webHidden"))) {
    *why = "vanish";
    return true;
  }
  std::string color = rpr.child("w:color").attribute("w:val").as_string();
  std::transform(color.begin(), color.end(), color.begin(), [](unsigned char c) { return std::toupper(c); });
  // White text on a highlighted or shaded background is visible; plain white text is not.
  const bool has_background = rpr.child("w:highlight") || rpr.child("w:shd");
  if (color == "FFFFFF" && !has_background) {
    *why = "white";
    return true;
  }
  const pugi::xml_attribute size = rpr.child("w:sz").attribute("w:val");  // half-points
  if (size && size.as_int(2) < 2) {
    *why = "zero-size";
    return true;
  }
  const std::string style = rpr.child("w:rStyle").attribute("w:val").as_string();
  if (!style.empty() && hidden_style_ids.count(style)) {
    *why = "hidden style";
    return true;
  }
  return false;
}

std::set<std::string> hidden_styles(const pugi::xml_document& styles) {
  std::set<std::string> out;
  for (pugi::xml_node style : styles.child("w:styles").children("w:style")) {
    std::string why;
    if (run_properties_hide(style.child("w:rPr"), {}, &why)) out.insert(style.attribute("w:styleId").as_string());
  }
  return out;
}

// Walks WordprocessingML in document order, writing visible text to `out` and invisible runs to `hidden`.
class DocxWalker {
 public:
  explicit DocxWalker(std::set<std::string> hidden_style_ids) : hidden_style_ids_(std::move(hidden_style_ids)) {}

  void block_container(const pugi::xml_node& node, int depth) {
    if (depth > 64) return;  // hostile nesting; real documents stay far below this
    for (pugi::xml_node child : node.children()) {
      if (is(child, "w:p")) {
        paragraph(child, depth);
      } else if (is(child, "w:tbl")) {
        table(child, depth);
      } else if (is(child, "w:sdt")) {
        block_container(child.child("w:sdtContent"), depth + 1);
      } else if (is(child, "w:customXml") || is(child, "w:ins") || is(child, "w:moveTo")) {
        block_container(child, depth + 1);
      } else if (is(child, "mc:AlternateContent")) {
        block_container(alternate_choice(child), depth + 1);
      }
    }
  }

  std::string text() { return std::move(out_); }
  std::string hidden() { return std::move(hidden_); }

 private:
  // mc:AlternateContent holds the same content twice (modern mc:Choice and legacy mc:Fallback): take the
  // first Choice, and the Fallback only when there is no Choice.
  static pugi::xml_node alternate_choice(const pugi::xml_node& alt) {
    if (pugi::xml_node choice = alt.child("mc:Choice")) return choice;
    return alt.child("mc:Fallback");
  }

  void paragraph(const pugi::xml_node& p, int depth) {
    inline_content(p, depth);
    end_line();
  }

  void table(const pugi::xml_node& tbl, int depth) {
    end_line();
    for (pugi::xml_node tr : tbl.children("w:tr")) {
      bool first_cell = true;
      for (pugi::xml_node tc : tr.children("w:tc")) {
        if (!first_cell) out_.push_back('\t');
        first_cell = false;
        // A cell's own paragraphs join with spaces so that one row stays one line.
        DocxWalker cell(hidden_style_ids_);
        cell.block_container(tc, depth + 1);
        std::string cell_text = cell.text();
        while (!cell_text.empty() && cell_text.back() == '\n') cell_text.pop_back();
        std::replace(cell_text.begin(), cell_text.end(), '\n', ' ');
        std::replace(cell_text.begin(), cell_text.end(), '\t', ' ');
        out_ += cell_text;
        append_hidden(cell.hidden());
      }
      end_line();
    }
  }

  // Runs and what can contain runs, inside a paragraph.
  void inline_content(const pugi::xml_node& node, int depth) {
    if (depth > 64) return;
    for (pugi::xml_node child : node.children()) {
      if (is(child, "w:r")) {
        run(child, depth);
      } else if (is(child, "w:hyperlink") || is(child, "w:smartTag") || is(child, "w:ins") ||
                 is(child, "w:fldSimple") || is(child, "w:customXml") || is(child, "w:moveTo") ||
                 is(child, "w:bdo") || is(child, "w:dir")) {
        inline_content(child, depth + 1);
      } else if (is(child, "w:sdt")) {
        inline_content(child.child("w:sdtContent"), depth + 1);
      } else if (is(child, "mc:AlternateContent")) {
        inline_content(alternate_choice(child), depth + 1);
      }
    }
  }

  void run(const pugi::xml_node& r, int depth) {
    std::string why;
    if (run_properties_hide(r.child("w:rPr"), hidden_style_ids_, &why)) {
      std::string dropped;
      for (pugi::xml_node t : r.children("w:t")) dropped += t.text().get();
      append_hidden(dropped);
      return;
    }
    for (pugi::xml_node child : r.children()) {
      if (is(child, "w:t")) {
        out_ += child.text().get();
      } else if (is(child, "w:tab") || is(child, "w:ptab")) {
        out_.push_back('\t');
      } else if (is(child, "w:br") || is(child, "w:cr")) {
        out_.push_back('\n');
      } else if (is(child, "w:noBreakHyphen")) {
        out_.push_back('-');
      } else if (is(child, "mc:AlternateContent")) {
        text_boxes(alternate_choice(child), depth + 1);
      } else {
        // Drawings and VML shapes carry text boxes: their paragraphs go on their own lines where the
        // anchor sits.
        text_boxes(child, depth + 1);
      }
    }
  }

  void text_boxes(const pugi::xml_node& node, int depth) {
    if (depth > 64) return;
    for (pugi::xml_node child : node.children()) {
      if (is(child, "w:txbxContent")) {
        end_line();
        block_container(child, depth + 1);
      } else if (is(child, "mc:AlternateContent")) {
        text_boxes(alternate_choice(child), depth + 1);
      } else if (child.type() == pugi::node_element) {
        text_boxes(child, depth + 1);
      }
    }
  }

  void end_line() {
    if (!out_.empty() && out_.back() != '\n') out_.push_back('\n');
  }

  void append_hidden(const std::string& piece) {
    if (piece.empty()) return;
    if (!hidden_.empty()) hidden_.push_back('\n');
    hidden_ += piece;
  }

  std::set<std::string> hidden_style_ids_;
  std::string out_;
  std::string hidden_;
};

pugi::xml_document parse_part(const std::string& xml, const std::string& what, const std::string& part) {
  pugi::xml_document doc;
  // No entity expansion beyond the five predefined ones: pugixml does not expand DTD entities at all.
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    throw InvalidInputError(what + ": " + part + " is not well-formed XML (" + parsed.description() + " at byte " +
                            std::to_string(parsed.offset) + ")");
  }
  return doc;
}

// Header and footer parts referenced by the body's section properties, in reference order, resolved
// through word/_rels/document.xml.rels.
std::vector<std::string> referenced_parts(const pugi::xml_node& body, const pugi::xml_document& rels,
                                          const char* reference_name) {
  std::vector<std::string> out;
  std::vector<std::string> ids;
  for (pugi::xpath_node ref : body.select_nodes((std::string(".//") + reference_name).c_str())) {
    const std::string id = ref.node().attribute("r:id").as_string();
    if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  for (const std::string& id : ids) {
    for (pugi::xml_node rel : rels.child("Relationships").children("Relationship")) {
      if (id != rel.attribute("Id").as_string()) continue;
      std::string target = rel.attribute("Target").as_string();
      if (target.rfind("/", 0) == 0) {
        target = target.substr(1);
      } else {
        target = "word/" + target;
      }
      if (std::find(out.begin(), out.end(), target) == out.end()) out.push_back(target);
    }
  }
  return out;
}

}  // namespace

RawExtraction extract_docx(std::string_view bytes, const std::string& what, const ExtractOptions& options) {
  ZipArchive zip(bytes, what, {options.max_zip_uncompressed, options.max_zip_entries});
  const std::optional<std::string> main_xml = zip.read("word/document.xml");
  if (!main_xml) throw UnsupportedError(what + ": zip archive without word/document.xml is not a DOCX");
  const pugi::xml_document main = parse_part(*main_xml, what, "word/document.xml");
  const pugi::xml_node body = main.child("w:document").child("w:body");
  if (!body) throw InvalidInputError(what + ": word/document.xml has no w:document/w:body");

  std::set<std::string> hidden_ids;
  if (auto styles_xml = zip.read("word/styles.xml")) {
    pugi::xml_document styles;
    if (styles.load_buffer(styles_xml->data(), styles_xml->size())) hidden_ids = hidden_styles(styles);
  }
  pugi::xml_document rels;
  if (auto rels_xml = zip.read("word/_rels/document.xml.rels")) rels.load_buffer(rels_xml->data(), rels_xml->size());

  RawExtraction result;
  result.method = "docx";
  auto add_part = [&](const std::string& part) {
    const std::optional<std::string> xml = zip.read(part);
    if (!xml) return;
    const pugi::xml_document doc = parse_part(*xml, what, part);
    DocxWalker walker(hidden_ids);
    walker.block_container(doc.first_child(), 0);
    result.text += walker.text();
    if (!result.text.empty() && result.text.back() != '\n') result.text.push_back('\n');
    result.add_hidden(walker.hidden());
  };
  for (const std::string& part : referenced_parts(body, rels, "w:headerReference")) add_part(part);
  DocxWalker walker(hidden_ids);
  walker.block_container(body, 0);
  result.text += walker.text();
  if (!result.text.empty() && result.text.back() != '\n') result.text.push_back('\n');
  result.add_hidden(walker.hidden());
  for (const std::string& part : referenced_parts(body, rels, "w:footerReference")) add_part(part);
  return result;
}

}  // namespace hirelm::documents
